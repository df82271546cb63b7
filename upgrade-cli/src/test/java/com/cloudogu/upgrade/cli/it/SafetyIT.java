package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taking an upgrade back, keeping writes out during the dump, and keeping the password secret. */
class SafetyIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "Sup3r-Secret-Needle-4711";

    @TempDir
    Path root;

    @Test
    void abortAfterPostUpgradeMovesTheOldClusterBackAndClearsTheState() throws Exception {
        // Same path (an image that keeps PGDATA); VolumeLayoutIT does abort on the sibling and ancestor layouts.
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.FIXED)) {
            ClusterFingerprint before = prepare(dogu, false);
            dogu.cli(NEW).run("post-upgrade", FROM, TO).ok();
            assertThat(dogu.volume().resolve("data.previous-14")).isDirectory();

            CliProcess.Result abort = dogu.cli(NEW).run("abort").ok();
            assertThat(abort.stderr()).contains("moved the old cluster back", "backup kept at");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.volume().resolve("data.previous-14")).doesNotExist();
            try (PostgresServer old = dogu.startServer(OLD)) {
                assertThat(before.diff(ClusterFingerprint.of(old))).isEmpty();
            }
        }
    }

    @Test
    void abortAfterAKilledRestoreDiscardsThePartialClusterAndBringsTheOldOneBack() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            ClusterFingerprint before = prepare(dogu, false);
            CliProcess cli = dogu.cli(NEW);
            cli.run("post-upgrade", FROM, TO).ok();
            CliProcess.Started startup = cli.start(Map.of("DOGU_UPGRADE_HOLD_AT", "restore.halfway"), "startup");
            startup.awaitLog("holding at restore.halfway", 120);
            startup.kill();
            cli.run("abort").ok();
            try (PostgresServer old = dogu.startServer(OLD)) {
                assertThat(before.diff(ClusterFingerprint.of(old))).isEmpty();
            }
        }
    }

    @Test
    void abortIsRefusedOnceTheRestoreCompletedBecauseNewDataWouldBeLost() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.FIXED)) {
            prepare(dogu, false);
            dogu.cli(NEW).run("post-upgrade", "--keep-old-cluster", FROM, TO).ok();
            dogu.cli(NEW).run("startup", "--keep-old-cluster").ok();
            String version = Files.readString(dogu.pgdata(NEW).resolve("PG_VERSION"));

            CliProcess.Result abort = dogu.cli(NEW).run("abort");
            assertThat(abort.exitCode()).isEqualTo(3);
            assertThat(abort.stderr()).contains("abort refused", "already completed");
            assertThat(Files.readString(dogu.pgdata(NEW).resolve("PG_VERSION"))).isEqualTo(version);
            assertThat(dogu.volume().resolve("data.previous-14")).isDirectory();
        }
    }

    @Test
    void readOnlyGuardRefusesWritesAfterTheSnapshotUntilAbort() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            try (Connection early = old.connect(SampleData.SHOP_DATABASE)) {
                dogu.cli(OLD).run("pre-upgrade", "--read-only-during-backup", FROM, TO).ok();
                assertThatThrownBy(() -> early.createStatement().execute("SELECT 1"))
                        .as("sessions open before the dump are ended").isInstanceOf(SQLException.class);
            }
            try (Connection c = old.connect(SampleData.SHOP_DATABASE); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("CREATE TABLE written_after_snapshot (id int)"))
                        .hasMessageContaining("read-only");
            }
            dogu.cli(OLD).run("abort").ok();
            try (Connection c = old.connect(SampleData.SHOP_DATABASE); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE written_after_abort (id int)");
            }
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        }
    }

    @Test
    void theTemporaryServerListensOnNoTcpPortOnlyOnAPrivateSocket() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            dogu.startServer(NEW);
            dogu.stopServer();
            CliProcess.Started post = dogu.cli(NEW).start(Map.of("DOGU_UPGRADE_HOLD_AT", "post-upgrade.server-started"),
                    "post-upgrade", "17.2-1", TO);
            post.awaitLog("holding at post-upgrade.server-started", 60);
            long pid = Long.parseLong(Files.readAllLines(dogu.pgdata(NEW).resolve("postmaster.pid")).get(0).strip());
            Path socketDir = Path.of(Files.readAllLines(dogu.pgdata(NEW).resolve("postmaster.pid")).get(4).strip());
            Set<String> inodes = ConcurrentHashMap.newKeySet();
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds.forEach(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException ignored) {
                        // closed meanwhile
                    }
                });
            }
            assertThat(inodes).as("the server has sockets").isNotEmpty();
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    boolean listening = f.length > 9 && "0A".equals(f[3]);
                    assertThat(listening && inodes.contains(f[9])).as("TCP listener of the temporary server: " + line)
                            .isFalse();
                }
            }
            assertThat(Files.getPosixFilePermissions(socketDir))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            post.kill();
            dogu.cli(NEW).run("post-upgrade", "17.2-1", TO).ok();
        }
    }

    @Test
    void theSuperuserPasswordNeverAppearsInTheProcessTableLogsOrStatus() throws Exception {
        Set<String> leaks = ConcurrentHashMap.newKeySet();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                scanProcessTable(leaks);
            }
        });
        watcher.start();
        StringBuilder output = new StringBuilder();
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            prepare(dogu, true, output);
            output.append(dogu.cli(NEW).run("post-upgrade", FROM, TO).ok().stderr());
            output.append(dogu.cli(NEW).run("startup").ok().stderr());
            CliProcess.Result status = dogu.cli(NEW).run("status", "--json").ok();
            output.append(status.stdout()).append(status.stderr());
            try (Stream<Path> logs = Files.list(root.resolve("logs"))) {
                for (Path log : (Iterable<Path>) logs::iterator) {
                    output.append(Files.readString(log));
                }
            }
            try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
                output.append(Files.readString(upgraded.logFile()));
            }
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertThat(output).as("CLI output, logs and status").isNotEmpty().doesNotContain(PASSWORD);
        assertThat(leaks).as("processes whose command line held the password").isEmpty();
    }

    private static void scanProcessTable(Set<String> leaks) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains(PASSWORD) && !cmd.contains("surefire") && !cmd.contains("failsafe")) {
                        leaks.add(cmd);
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the process ended while we looked
                }
            });
        } catch (IOException ignored) {
            // try again on the next round
        }
    }

    private ClusterFingerprint prepare(EmbeddedDogu dogu, boolean readOnly) throws Exception {
        return prepare(dogu, readOnly, new StringBuilder());
    }

    private ClusterFingerprint prepare(EmbeddedDogu dogu, boolean readOnly, StringBuilder output) throws Exception {
        // sample data and an old superuser password, copied from a prepared cluster
        ClusterFingerprint before = dogu.startWithSampleData(OLD, PASSWORD);
        output.append(dogu.cli(OLD).run(readOnly ? new String[] {"pre-upgrade", "--read-only-during-backup", FROM, TO}
                : new String[] {"pre-upgrade", FROM, TO}).ok().stderr());
        dogu.stopServer();
        return before;
    }
}
