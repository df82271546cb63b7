package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills the real CLI (SIGKILL) at every step boundary of every phase of a major upgrade, on the
 * dogu's two real volume layouts (per-major: the old cluster is a sibling of the new PGDATA; legacy:
 * the old cluster is the volume root, an ancestor of the new PGDATA), then does what an orchestrator
 * does — runs the interrupted phase again and carries on — and checks that the data is identical,
 * the final state is right, the old cluster is gone and no temporary server is left running. Then
 * the same with kills at seeded random moments, between the checkpoints. Writes the matrices to
 * {@code target/generated-docs/fault-matrix.md} and {@code random-kills.md} (see {@link GeneratedDocs}).
 */
// the largest IT: its cases are independent (own volume, state, lock, ports), so they share the two lanes
@Execution(ExecutionMode.CONCURRENT)
class FaultMatrixIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "fault-matrix-secret";
    private static final long SEED = Long.getLong("dogu.upgrade.faultSeed", 20261201L);
    private static final List<String> PHASES = List.of("pre-upgrade", "post-upgrade", "startup");
    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();
    private static final Map<String, String> RANDOM_RESULTS = new ConcurrentSkipListMap<>();

    /**
     * Every boundary a plain major upgrade reaches, from the engine's own list: a boundary added
     * there is killed at here without a change to this test.
     */
    static List<Arguments> boundaryList() {
        return Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).stream()
                .map(c -> Arguments.of(c.phase(), c.id())).toList();
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(EmbeddedDogu.Layout.PER_MAJOR, EmbeddedDogu.Layout.LEGACY).flatMap(layout ->
                boundaryList().stream().map(a -> Arguments.of(layout, a.get()[0], a.get()[1])));
    }

    @ParameterizedTest(name = "{0} layout: killed in {1} at {2}")
    @MethodSource("boundaries")
    void aKillAtAnyBoundaryIsRecoveredByRunningThePhaseAgain(EmbeddedDogu.Layout layout, String phase, String boundary,
                                                             @TempDir Path root) throws Exception {
        long t0 = System.nanoTime();
        String key = layout + String.format(" %02d %s", index(boundary), boundary);
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            ClusterFingerprint before = prepare(dogu);
            Map<String, String> hold = Map.of("DOGU_UPGRADE_HOLD_AT", boundary);
            upgradeKillingOnce(dogu, phase, (cli, args) -> {
                CliProcess.Started started = cli.start(hold, args);
                started.awaitLog("holding at " + boundary, 120);
                started.kill();
                return boundary;
            });
            assertRecovered(dogu, before);
            RESULTS.put(key, "| " + phase + " | `" + boundary + "` | killed, phase re-run | data identical, state"
                    + " clear, old cluster gone, no server left | pass (" + (System.nanoTime() - t0) / 1_000_000_000
                    + " s) |");
        } catch (AssertionError | Exception e) {
            RESULTS.put(key, "| " + phase + " | `" + boundary + "` | killed, phase re-run | "
                    + e.getMessage().lines().findFirst().orElse("") + " | FAIL |");
            throw e;
        }
    }

    static Stream<Arguments> randomMoments() {
        Random random = new Random(SEED);
        List<Arguments> runs = new ArrayList<>();
        // each phase on each layout once by default (the suite's time budget); more with -Ddogu.upgrade.randomKills=N
        for (int i = 0; i < Integer.getInteger("dogu.upgrade.randomKills", 6); i++) {
            String phase = PHASES.get(i % 3);
            EmbeddedDogu.Layout layout = (i / 3) % 2 == 0 ? EmbeddedDogu.Layout.PER_MAJOR : EmbeddedDogu.Layout.LEGACY;
            // Counted from the phase's first log line (the JVM is up), over roughly the phase's own
            // duration here, so the kills land inside its work.
            int spanMillis = switch (phase) {
                case "pre-upgrade" -> 1200;
                case "post-upgrade" -> 500;
                default -> 3000;
            };
            runs.add(Arguments.of(i + 1, layout, phase, random.nextInt(spanMillis)));
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "run {0}: {1} layout, {2} killed after {3} ms")
    @MethodSource("randomMoments")
    void aKillAtARandomMomentIsRecoveredByRunningThePhaseAgain(int run, EmbeddedDogu.Layout layout, String phase,
                                                               int delayMillis, @TempDir Path root) throws Exception {
        String key = String.format("%02d", run);
        String killed = "finished before the kill";
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            ClusterFingerprint before = prepare(dogu);
            killed = upgradeKillingOnce(dogu, phase, (cli, args) -> {
                CliProcess.Started started = cli.start(args);
                started.awaitLog("Using state store", 60);
                if (started.process().waitFor(delayMillis, TimeUnit.MILLISECONDS)) {
                    return "finished before the kill";
                }
                started.kill();
                return "killed at: " + lastStep(started.stderrSoFar());
            });
            assertRecovered(dogu, before);
            RANDOM_RESULTS.put(key, "| " + run + " | " + layout + " | " + phase + " | " + delayMillis + " ms | " + killed
                    + " | identical, state clear, old cluster gone | pass |");
        } catch (AssertionError | Exception e) {
            RANDOM_RESULTS.put(key, "| " + run + " | " + layout + " | " + phase + " | " + delayMillis + " ms | " + killed
                    + " | " + e.getMessage().lines().findFirst().orElse("") + " | FAIL |");
            throw e;
        }
    }

    /**
     * pg_dumpall started by a killed pre-upgrade lives on and appends to its file by name; the rerun
     * must neither share a file with it nor record a digest of bytes that are not the final ones.
     */
    @Test
    void aPreUpgradeKilledInTheMiddleOfPgDumpallIsRunAgainAtOnceAndItsBackupRestoresIdentically(@TempDir Path root)
            throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            dogu.startWithSampleData(OLD, PASSWORD);
            PostgresServer old = dogu.server();
            for (int i = 1; i <= 4; i++) {
                old.execute("postgres", "CREATE DATABASE bulk_" + i);
                old.execute("bulk_" + i, "CREATE TABLE t AS SELECT g AS id, repeat(md5(g::text), 8) AS v"
                        + " FROM generate_series(1, 150000) g");
            }
            ClusterFingerprint before = ClusterFingerprint.of(old);
            CliProcess cli = dogu.cli(OLD);
            CliProcess.Started first = cli.start("pre-upgrade", FROM, TO);
            first.awaitLog("disk space check", 120);
            awaitPartialOf(dogu.backupDirectory(), 4L << 20);
            first.kill();
            assertThat(pgDumpRunningIn(dogu.backupDirectory())).as("the killed attempt's pg_dump lives on").isTrue();
            // Frozen, so it cannot finish on its own before the rerun looks (it would on a fast disk, or
            // while another test holds the CPU): the rerun must end it, stopped or not.
            signalPgDumpsIn(dogu.backupDirectory(), "STOP");

            CliProcess.Result again = cli.run("pre-upgrade", FROM, TO).ok();
            assertThat(again.stderr()).contains("left running on " + dogu.backupDirectory());
            assertThat(pgDumpRunningIn(dogu.backupDirectory())).as("no orphan left").isFalse();
            dogu.stopServer();
            dogu.cli(NEW).run("post-upgrade", FROM, TO).ok();
            dogu.cli(NEW).run("startup").ok();
            assertRecovered(dogu, before);
        }
    }

    private static void awaitPartialOf(Path dir, long bytes) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.filter(p -> p.getFileName().toString().endsWith(".partial")).anyMatch(p -> p.toFile().length() > bytes)) {
                    return;
                }
            } catch (IOException e) {
                // not created yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no partial backup of " + bytes + " bytes in " + dir);
    }

    private static void signalPgDumpsIn(Path dir, String signal) throws Exception {
        for (long pid : pgDumpsIn(dir)) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        }
    }

    private static List<Long> pgDumpsIn(Path dir) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    return cmd.contains("pg_dump") && cmd.contains(dir.toString());
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private static boolean pgDumpRunningIn(Path dir) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).anyMatch(p -> {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    return cmd.contains("pg_dump") && cmd.contains(dir.toString());
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /** Kills one run of a phase somehow; says where. */
    @FunctionalInterface
    private interface Killer {
        String kill(CliProcess cli, String[] args) throws Exception;
    }

    /**
     * Runs the three phases as the dogu does (the old server stops between pre- and post-upgrade);
     * {@code victim} is first started and killed by {@code killer}, then run again.
     *
     * @return what the killer said
     */
    private static String upgradeKillingOnce(EmbeddedDogu dogu, String victim, Killer killer) throws Exception {
        String said = "";
        for (String p : PHASES) {
            if (p.equals("post-upgrade")) {
                dogu.stopServer();
            }
            CliProcess cli = dogu.cli(p.equals("pre-upgrade") ? OLD : NEW);
            String[] args = args(p);
            if (p.equals(victim)) {
                said = killer.kill(cli, args);
            }
            cli.run(args).ok();
        }
        return said;
    }

    /**
     * The old container's cluster, the same for every case: a copy of the one prepared once per JVM
     * (initdb, sample data, the superuser's old password), so that the cases spend their time on the
     * upgrade they kill rather than on setting it up.
     */
    private static ClusterFingerprint prepare(EmbeddedDogu dogu) throws Exception {
        return dogu.startWithSampleData(OLD, PASSWORD);
    }

    private static String[] args(String phase) {
        return phase.equals("startup") ? new String[] {"startup"} : new String[] {phase, FROM, TO};
    }

    private static String lastStep(String log) {
        List<String> lines = log.lines().filter(l -> l.contains("[INFO]") || l.contains("[WARN]")).toList();
        String last = lines.isEmpty() ? "(before the first step)" : lines.get(lines.size() - 1);
        int at = last.indexOf(" - ");
        String step = at >= 0 ? last.substring(at + 3) : last;
        step = step.replace('|', '/');
        return step.length() > 90 ? step.substring(0, 90) + "..." : step;
    }

    private static void assertRecovered(EmbeddedDogu dogu, ClusterFingerprint before) throws Exception {
        Path data = dogu.pgdata(NEW);
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).as("local_state").isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).as("migration_backup_path").isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).as("migration_old_pgdata").isEmpty();
        assertThat(data.resolve("postmaster.pid")).as("no server left running").doesNotExist();
        assertThat(noTemporaryServerRunsOn(data)).as("no temporary server process left").isTrue();
        try (Stream<Path> top = Files.list(dogu.volume())) {
            assertThat(top.map(p -> p.getFileName().toString())).as("old cluster removed only after success")
                    .containsOnly("backup", "17");
        }
        try (Stream<Path> backups = Files.list(dogu.backupDirectory())) {
            assertThat(backups.map(p -> p.getFileName().toString())).as("backup removed, no leftovers").isEmpty();
        }
        try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("data after recovery").isEmpty();
        }
        dogu.stopServer();
    }

    private static int index(String boundary) {
        List<String> all = boundaryList().stream().map(a -> (String) a.get()[1]).toList();
        return all.indexOf(boundary);
    }

    /** Only this test's servers count: other suites may run their own temporary servers meanwhile. */
    private static boolean noTemporaryServerRunsOn(Path data) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).noneMatch(p -> {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    return cmd.contains("unix_socket_directories=") && cmd.contains(" -D " + data + " ");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    @AfterAll
    static void writeMatrix() throws IOException {
        StringBuilder md = new StringBuilder();
        for (EmbeddedDogu.Layout layout : List.of(EmbeddedDogu.Layout.PER_MAJOR, EmbeddedDogu.Layout.LEGACY)) {
            md.append("\n**").append(layout == EmbeddedDogu.Layout.PER_MAJOR
                            ? "Per-major layout (sibling): `<vol>/14/docker` -> `<vol>/17/docker`"
                            : "Legacy layout (ancestor): `<vol>` -> `<vol>/17/docker`").append("**\n\n")
                    .append("| phase | step boundary (SIGKILL) | recovery | checked | outcome |\n")
                    .append("| --- | --- | --- | --- | --- |\n");
            RESULTS.forEach((k, line) -> {
                if (k.startsWith(layout + " ")) {
                    md.append(line).append('\n');
                }
            });
        }
        md.append("\nGenerated by FaultMatrixIT on ").append(LocalDate.now()).append(", PostgreSQL ").append(OLD)
                .append(" -> ").append(NEW).append(".\n");
        GeneratedDocs.publish("fault-matrix", md.toString());
        if (!RANDOM_RESULTS.isEmpty()) {
            StringBuilder r = new StringBuilder("| run | layout | phase | SIGKILL after the first log line | where it was | checked |"
                    + " outcome |\n| --- | --- | --- | --- | --- | --- | --- |\n");
            RANDOM_RESULTS.values().forEach(line -> r.append(line).append('\n'));
            r.append("\nGenerated by FaultMatrixIT on ").append(LocalDate.now()).append(", seed ").append(SEED)
                    .append(" (-Ddogu.upgrade.faultSeed=N for another), PostgreSQL ").append(OLD).append(" -> ")
                    .append(NEW).append(". Every phase was run again after the kill, then the next phases.\n");
            GeneratedDocs.publish("random-kills", r.toString());
        }
    }
}
