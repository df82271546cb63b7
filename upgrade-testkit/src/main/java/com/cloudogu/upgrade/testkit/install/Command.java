package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a helper program (apt-get, dpkg-deb, patchelf, a PostgreSQL tool) to completion.
 *
 * <p>Output goes to a temporary file, not a pipe: {@code pg_ctl start} leaves a postmaster behind
 * that inherits the descriptors, and nothing may block on a pipe a long-lived child holds open.
 */
final class Command {

    /**
     * The outcome of one command.
     *
     * @param exitCode the exit code
     * @param output stdout and stderr, interleaved
     */
    record Result(int exitCode, String output) {}

    private Command() {}

    /** Runs the command and throws, with its output, unless it exits with 0. */
    static String check(List<String> command, Path directory, Map<String, String> env, Duration timeout) {
        Result result = run(command, directory, env, timeout);
        if (result.exitCode() != 0) {
            throw new UpgradeException(ErrorCode.PROCESS, String.join(" ", command) + " failed with exit code "
                    + result.exitCode() + ":\n" + result.output().strip());
        }
        return result.output();
    }

    /** Runs the command and returns its exit code and output. */
    static Result run(List<String> command, Path directory, Map<String, String> env, Duration timeout) {
        Path output = null;
        try {
            output = Files.createTempFile("dogu-upgrade-install-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            // Inherited PGHOST/PGPORT/... would point the tools at some other server; the C locale is
            // the only one a private glibc is known to handle with the host's locale archive.
            builder.environment().keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("LC_"));
            builder.environment().put("LC_ALL", "C");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new UpgradeException(ErrorCode.TIMEOUT, String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.PROCESS, String.join(" ", command) + " could not run: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(ErrorCode.PROCESS, String.join(" ", command) + " was interrupted", e);
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
