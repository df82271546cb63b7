package com.cloudogu.upgrade.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code dogu-upgrade.jar} in a child JVM, as a dogu hook would: exact arguments,
 * a prepared environment, output captured to files.
 */
public final class CliProcess {

    private final Path jar;
    private final Map<String, String> environment;
    private final Path logDirectory;
    private int runs;

    /**
     * @param jar the shaded CLI jar
     * @param environment the hook's environment (PATH, PGDATA, state store ...)
     * @param logDirectory where stdout/stderr of each run go
     */
    public CliProcess(Path jar, Map<String, String> environment, Path logDirectory) {
        this.jar = jar;
        this.environment = environment;
        this.logDirectory = logDirectory;
    }

    /** @return the jar from the build ({@code dogu.upgrade.cliJar}), or upgrade-cli/target/dogu-upgrade.jar */
    public static Path defaultJar() {
        String p = System.getProperty("dogu.upgrade.cliJar");
        Path jar = p != null ? Path.of(p) : Path.of("upgrade-cli/target/dogu-upgrade.jar");
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("target/dogu-upgrade.jar");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("dogu-upgrade.jar not found; build it with mvn -pl upgrade-cli -am package");
        }
        return jar.toAbsolutePath();
    }

    /** @param args CLI arguments @return a started process */
    public Started start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /**
     * @param extraEnvironment added to the hook environment for this run (e.g. DOGU_UPGRADE_HOLD_AT)
     * @param args CLI arguments
     * @return a started process
     */
    public Started start(Map<String, String> extraEnvironment, String... args) throws IOException {
        int n = ++runs;
        String name = String.format("%02d-%s", n, args.length > 0 ? args[0] : "none");
        Path out = logDirectory.resolve(name + ".out");
        Path err = logDirectory.resolve(name + ".err");
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx128m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().putAll(extraEnvironment);
        return new Started(pb.start(), out, err, String.join(" ", args));
    }

    /** @param args CLI arguments @return the finished run */
    public Result run(String... args) throws IOException, InterruptedException {
        return start(args).await(600);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A CLI process that is running. */
    public record Started(Process process, Path out, Path err, String args) {
        /** @param seconds limit @return the result */
        public Result await(long seconds) throws InterruptedException, IOException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("dogu-upgrade " + args + " did not finish within " + seconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), args);
        }

        /**
         * @param text a log fragment
         * @param seconds how long to wait for it
         * @return this, once the process logged {@code text}
         */
        public Started awaitLog(String text, long seconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (stderrSoFar().contains(text)) {
                    return this;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("dogu-upgrade " + args + " exited " + process.exitValue()
                            + " before logging '" + text + "':\n" + stderrSoFar());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("dogu-upgrade " + args + " did not log '" + text + "' within " + seconds + " s:\n"
                    + stderrSoFar());
        }

        /** Kills the process with SIGKILL, as a crash or an OOM killer would, and waits for it to die. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** @return the stderr written so far */
        public String stderrSoFar() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    /**
     * A finished run.
     *
     * @param exitCode exit code
     * @param stdout standard output
     * @param stderr standard error (the log)
     * @param args what was run
     */
    public record Result(int exitCode, String stdout, String stderr, String args) {
        /** @return this, after failing with the log if the exit code was not 0 */
        public Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("dogu-upgrade " + args + " exited " + exitCode + "\n--- stderr ---\n" + stderr
                        + "\n--- stdout ---\n" + stdout);
            }
            return this;
        }
    }
}
