package com.cloudogu.upgrade.cli.bench;

import com.cloudogu.upgrade.testkit.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external program to completion, timed by the wall clock, with its output in a log file.
 * While it runs, its peak resident memory ({@code VmHWM} in {@code /proc/<pid>/status}) is sampled:
 * that is the program's own memory, not that of the programs it starts (a CLI's {@code pg_dump} or
 * temporary server are not counted).
 */
final class BenchProcess {

    private static final long SAMPLE_MILLIS = 10;

    private BenchProcess() {
    }

    /**
     * A finished program.
     *
     * @param exitCode exit code
     * @param seconds wall-clock seconds from start to exit
     * @param peakKib highest {@code VmHWM} seen, in KiB (-1 if never sampled)
     * @param log where stdout and stderr went
     */
    record Result(int exitCode, double seconds, long peakKib, Path log) {
        Result ok() {
            if (exitCode != 0) {
                throw new IllegalStateException("exit code " + exitCode + "; see " + log + ":\n" + tail(log));
            }
            return this;
        }
    }

    /**
     * @param command program and arguments
     * @param asUser run as this OS user (switches only when running as root), or null
     * @param environment the complete environment, or null to inherit (minus {@code PG*})
     * @param log where output goes (appended)
     * @return the result
     */
    static Result run(List<String> command, String asUser, Map<String, String> environment, Path log)
            throws IOException, InterruptedException {
        List<String> argv = asUser == null ? command : OsUser.asUser(asUser, command);
        Files.writeString(log, "$ " + String.join(" ", argv) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        } else {
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long peak = -1;
        while (!p.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, vmHwm(status));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(p.exitValue(), seconds, peak, log);
    }

    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited between the wait and the read
        }
        return -1;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
