package com.cloudogu.upgrade.testkit;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs server programs ({@code initdb}, {@code pg_ctl}) to completion with a timeout.
 *
 * <p>Output goes to a temporary file rather than a pipe: {@code pg_ctl start} leaves a postmaster
 * behind, and nothing may ever block on a pipe that a long-lived child could hold open.
 */
public final class CommandRunner {

    /**
     * The outcome of one command.
     *
     * @param exitCode the exit code
     * @param output stdout and stderr, interleaved
     * @param duration how long it ran
     */
    public record Result(int exitCode, String output, Duration duration) {}

    private CommandRunner() {}

    /**
     * @param description what the command does, for messages, e.g. "initdb for PostgreSQL 14.10.0"
     * @param command the full command, user switch included
     * @param workingDirectory a directory the (possibly switched) user can enter
     * @param timeout how long to wait before killing it
     * @return the result of a command that exited with 0
     * @throws UpgradeException if it could not start, timed out or exited non-zero (message has its output)
     */
    static Result runChecked(String description, List<String> command, Path workingDirectory, Duration timeout) {
        Result result = run(description, command, workingDirectory, timeout);
        if (result.exitCode() != 0) {
            throw new UpgradeException(ErrorCode.SERVER, description + " failed with exit code " + result.exitCode()
                    + " (" + String.join(" ", command) + "):\n" + result.output().strip());
        }
        return result;
    }

    /** Like {@link #runChecked} but returns non-zero exit codes instead of throwing. */
    static Result run(String description, List<String> command, Path workingDirectory, Duration timeout) {
        return run(description, command, workingDirectory, java.util.Map.of(), timeout);
    }

    /**
     * Like {@link #run(String, List, Path, Duration)} with extra environment variables.
     *
     * @param description what the command does, for messages
     * @param command the full command
     * @param workingDirectory where it runs
     * @param environment added after the inherited {@code PG*} variables are removed
     * @param timeout how long to wait before killing it
     * @return the result, whatever the exit code
     */
    public static Result run(String description, List<String> command, Path workingDirectory,
                             java.util.Map<String, String> environment, Duration timeout) {
        long started = System.nanoTime();
        Path output = null;
        try {
            output = Files.createTempFile("dogu-upgrade-testkit-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            // Inherited PGPORT, PGDATA, PGHOST... would silently redirect the tools to another server.
            builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new UpgradeException(ErrorCode.TIMEOUT, description + " did not finish within "
                        + timeout.toSeconds() + " s (" + String.join(" ", command) + ")");
            }
            String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), text, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.PROCESS, description + " could not run ("
                    + String.join(" ", command) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(ErrorCode.PROCESS, description + " was interrupted", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A leftover file in the temp directory is harmless.
                }
            }
        }
    }
}
