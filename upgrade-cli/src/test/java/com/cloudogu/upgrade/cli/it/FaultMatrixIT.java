package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills the real CLI (SIGKILL) at every step boundary of every phase of a major upgrade, then does
 * what an orchestrator does — runs the interrupted phase again and carries on — and checks that the
 * data is identical, the final state is right and no temporary server is left running. Writes the
 * matrix to {@code target/fault-matrix.md} (copied into docs/RELIABILITY.md).
 */
class FaultMatrixIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "fault-matrix-secret";
    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

    static Stream<Arguments> boundaries() {
        return Stream.of(
                Arguments.of("pre-upgrade", "pre-upgrade.before-dump"),
                Arguments.of("pre-upgrade", "pre-upgrade.dump-finished"),
                Arguments.of("pre-upgrade", "pre-upgrade.backup-renamed"),
                Arguments.of("pre-upgrade", "pre-upgrade.backup-path-recorded"),
                Arguments.of("post-upgrade", "post-upgrade.backup-verified"),
                Arguments.of("post-upgrade", "post-upgrade.old-cluster-moved"),
                Arguments.of("startup", "restore.target-initialized"),
                Arguments.of("startup", "restore.server-started"),
                Arguments.of("startup", "restore.halfway"),
                Arguments.of("startup", "restore.before-complete"),
                Arguments.of("startup", "migration.01-restore.finished"),
                Arguments.of("startup", "restore.completed"));
    }

    @ParameterizedTest(name = "killed in {0} at {1}")
    @MethodSource("boundaries")
    void aKillAtAnyBoundaryIsRecoveredByRunningThePhaseAgain(String phase, String boundary, @TempDir Path root)
            throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            SampleData.load(old);
            try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("ALTER ROLE postgres PASSWORD 'old-password'");
            }
            ClusterFingerprint before = ClusterFingerprint.of(old);
            dogu.setPassword(PASSWORD);
            Map<String, String> hold = Map.of("DOGU_UPGRADE_HOLD_AT", boundary);

            runKillingAt("pre-upgrade", phase, dogu.cli(OLD), hold, "pre-upgrade", FROM, TO);
            dogu.stopServer();
            runKillingAt("post-upgrade", phase, dogu.cli(NEW), hold, "post-upgrade", FROM, TO);
            runKillingAt("startup", phase, dogu.cli(NEW), hold, "startup");

            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).as("local_state").isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).as("migration_backup_path").isEmpty();
            assertThat(dogu.data().resolve("postmaster.pid")).as("no server left running").doesNotExist();
            assertThat(noTemporaryServerRunsOn(dogu.data())).as("no temporary server process left").isTrue();
            try (Stream<Path> partials = Files.list(root)) {
                assertThat(partials.map(p -> p.getFileName().toString()).filter(n -> n.contains(".previous-")))
                        .as("old cluster removed only after success").isEmpty();
            }
            try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("data after recovery").isEmpty();
            }
            RESULTS.put(String.format("%02d %s", index(boundary), boundary), "| " + phase + " | `" + boundary
                    + "` | killed, phase re-run | data identical, state clear, no server left | pass ("
                    + (System.nanoTime() - t0) / 1_000_000_000 + " s) |");
        } catch (AssertionError | Exception e) {
            RESULTS.put(String.format("%02d %s", index(boundary), boundary), "| " + phase + " | `" + boundary
                    + "` | killed, phase re-run | " + e.getMessage().lines().findFirst().orElse("") + " | FAIL |");
            throw e;
        }
    }

    private static int index(String boundary) {
        List<String> all = boundaries().map(a -> (String) a.get()[1]).toList();
        return all.indexOf(boundary);
    }

    private static void runKillingAt(String thisPhase, String killPhase, CliProcess cli, Map<String, String> hold,
                                     String... args) throws Exception {
        if (thisPhase.equals(killPhase)) {
            CliProcess.Started started = cli.start(hold, args);
            started.awaitLog("holding at " + hold.get("DOGU_UPGRADE_HOLD_AT"), 120);
            started.kill();
        }
        cli.run(args).ok();
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
        StringBuilder md = new StringBuilder("| phase | step boundary (SIGKILL) | recovery | checked | outcome |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        RESULTS.values().forEach(line -> md.append(line).append('\n'));
        md.append("\nGenerated by FaultMatrixIT on ").append(LocalDate.now()).append(", PostgreSQL ").append(OLD)
                .append(" -> ").append(NEW).append(".\n");
        GeneratedDocs.publish("fault-matrix", md.toString());
    }
}
