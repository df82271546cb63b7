package com.cloudogu.upgrade.cli.it;

import static com.cloudogu.upgrade.cli.it.SampleClusters.Kind.SAMPLE_DATA;
import static com.cloudogu.upgrade.cli.it.SampleClusters.Kind.SAMPLE_DATA_AND_OLD_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Layout;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Shell;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Store;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.Checksums;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * pre-upgrade in an old container that has no Java (issue 11): the one-file hook
 * ({@code upgrade-cli/target/dogu-upgrade}) runs its POSIX shell path under {@code busybox sh} or
 * {@code dash} with only busybox applets, the old PostgreSQL's programs, doguctl and gosu on PATH;
 * post-upgrade and startup then run with the Java CLI in the new container and restore the shell's
 * backup. Bad inputs: {@link ShellPreUpgradeBadInputIT}.
 */
class ShellPreUpgradeIT {

    static final String OLD_SERVER = "14.19.0";
    static final String FROM = "14.19-1";
    static final String NEW_SERVER = "17.6.0";
    static final String TO = "17.6-0";
    private static final String NEW_PASSWORD = "n3w 'super' \"secret\"";

    @ParameterizedTest(name = "{0}, state in {1}, layout {2}, user switch {3}")
    @CsvSource({"BUSYBOX, DOGUCTL, ROOT_TO_DOCKER, gosu", "DASH, FILE, DOCKER_TO_DOCKER, gosu",
            "BUSYBOX, DOGUCTL, SAME, su"})
    void theShellPathWritesABackupThatTheJavaPostUpgradeRestoresIdentically(Shell shell, Store store, Layout layout,
                                                                           String userSwitch, @TempDir Path root)
            throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, layout, store)) {
            if (shell == Shell.DASH) {
                dogu.offerFlock(); // as Alpine's busybox: the lock is then flock, else a pid directory
            }
            if (userSwitch.equals("su")) {
                dogu.offerOnlySu();
            }
            // sample data and the superuser password 'the-old-password' (the new one replaces it), prepared once
            ClusterFingerprint before = dogu.startOldServerWithSampleData(OLD_SERVER, SAMPLE_DATA_AND_OLD_PASSWORD);
            PostgresServer old = dogu.oldServer();
            dogu.setState(StateKeys.PASSWORD, NEW_PASSWORD);

            // busybox: as the Java CLI is called; dash: installed as the dogu's hook, called with FROM TO
            CliProcess.Result pre = (shell == Shell.DASH ? dogu.runInstalledHook(shell, FROM, TO)
                    : dogu.run(shell, "pre-upgrade", FROM, TO)).ok();
            assertThat(pre.stderr()).contains("running the shell path of pre-upgrade",
                    "full backup required: major-upgrade: PostgreSQL 14 -> 17").doesNotContain("[ERROR]");
            Path backup = assertPreUpgradeState(dogu, store, true);
            assertBackupAndManifest(dogu, backup, old);

            finishWithJavaAndCompare(dogu, before);
            assertThat(pre.stderr()).doesNotContain(NEW_PASSWORD).doesNotContain("the-old-password");
        }
    }

    @ParameterizedTest(name = "layout {0}")
    @CsvSource({"SAME", "ROOT_TO_DOCKER"})
    void aMinorUpgradeWritesNoBackupButRecordsTheOldClusterAndTheState(Layout layout, @TempDir Path root)
            throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, layout, Store.DOGUCTL, "14", "14")) {
            ClusterFingerprint before = dogu.startOldServerWithSampleData(OLD_SERVER, SAMPLE_DATA);
            CliProcess.Result pre = dogu.run(Shell.BUSYBOX, "pre-upgrade", "14.17-5", "14.21-1").ok();
            assertThat(pre.stderr()).contains("no full backup required for 14.17-5 -> 14.21-1");
            assertPreUpgradeState(dogu, Store.DOGUCTL, false);
            assertThat(dogu.backupDirectory()).doesNotExist();
            dogu.stopOldServer();
            CliProcess post = dogu.newContainer(OLD_SERVER);
            post.run("post-upgrade", "14.17-5", "14.21-1").ok();
            assertThat(dogu.state(StateKeys.LOCAL_STATE)).isEmpty();
            post.run("startup").ok();
            try (PostgresServer after = PostgresServer.builder(OLD_SERVER).dataDirectory(dogu.newData()).start()) {
                assertThat(before.diff(ClusterFingerprint.of(after))).as("differences after the upgrade").isEmpty();
            }
        }
    }

    /** As the Java phase: PGDATA without a cluster is a warning, and no old cluster path is recorded. */
    @Test
    void aPgdataWithoutClusterIsReportedAndNoOldPathIsRecorded(@TempDir Path root) throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.FILE)) {
            dogu.startOldServer(OLD_SERVER);
            dogu.setState("migration_old_pgdata", "/stale/path/of/an/earlier/run");
            java.util.Map<String, String> env = new java.util.HashMap<>(dogu.oldContainerEnvironment());
            Path empty = Files.createDirectories(root.resolve("empty"));
            env.put("PGDATA", empty.toString());
            CliProcess.Result r = dogu.run(Shell.BUSYBOX, env, "pre-upgrade", "14.17-5", "14.21-1").ok();
            assertThat(r.stderr()).contains("PGDATA " + empty + " holds no cluster (no PG_VERSION)");
            assertThat(dogu.state("migration_old_pgdata")).isEmpty();
            assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(dogu.state(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
        }
    }

    @Test
    void fromEqualsToDoesNothingAndWritesNothing(@TempDir Path root) throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.DOGUCTL)) {
            dogu.startOldServer(OLD_SERVER);
            CliProcess.Result r = dogu.run(Shell.DASH, "pre-upgrade", FROM, FROM).ok();
            assertThat(r.stderr()).contains("nothing to do");
            assertThat(dogu.doguctlWrites()).isEmpty();
            assertThat(dogu.backupDirectory()).doesNotExist();
        }
    }

    /**
     * SIGKILL in the middle of pg_dumpall (it waits for a table lock in one of several databases,
     * so some databases are already in the file), then an immediate rerun.
     */
    @ParameterizedTest(name = "SIGKILL to {0}")
    @CsvSource({"the hook's process group", "the shell only (pg_dumpall and pg_dump keep running)"})
    void aKillDuringPgDumpallIsRecoveredByARerun(String victim, @TempDir Path root) throws Exception {
        long t0 = System.nanoTime();
        boolean wholeGroup = victim.contains("group");
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.DOGUCTL)) {
            dogu.startOldServerWithSampleData(OLD_SERVER, SAMPLE_DATA_AND_OLD_PASSWORD);
            PostgresServer old = dogu.oldServer();
            for (int i = 1; i <= 3; i++) {
                old.execute("postgres", "CREATE DATABASE extra_" + i);
                old.execute("extra_" + i, "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g");
            }
            ClusterFingerprint before = ClusterFingerprint.of(old);
            dogu.setState(StateKeys.PASSWORD, NEW_PASSWORD);

            Connection blocker = old.connect(SampleData.INVENTORY_DATABASE);
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE public.items IN ACCESS EXCLUSIVE MODE");
            }
            CliProcess.Started first = dogu.start(Shell.BUSYBOX, dogu.oldContainerEnvironment(), "pre-upgrade", FROM, TO);
            awaitDumpWaitingForLock(old, first);
            List<Path> firstPartials = partials(dogu);
            Path firstDump = firstPartials.stream().filter(p -> p.getFileName().toString().startsWith("cluster-"))
                    .findFirst().orElseThrow(() -> new AssertionError("no dump under way: " + firstPartials));
            assertThat(Files.size(firstDump)).as("databases before the locked one are in the file").isPositive();
            if (wholeGroup) {
                ShellHookFixture.killProcessGroup(first);
                blocker.rollback();
                blocker.close();
            } else {
                first.kill();
                assertThat(dumpSessions(old)).as("the orphaned pg_dump still waits").isPositive();
            }
            assertThat(dogu.state(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();

            CliProcess.Started rerun = dogu.start(Shell.BUSYBOX, dogu.oldContainerEnvironment(), "pre-upgrade", FROM, TO);
            if (!wholeGroup) {
                rerun.awaitLog("stopping pg_dump", 60);
                rerun.awaitLog("writing the backup", 60);
                blocker.rollback(); // the rerun's own pg_dump would wait for it as well
                blocker.close();
            }
            CliProcess.Result r = rerun.await(300).ok();
            assertThat(r.stderr()).contains("removing " + firstDump)
                    .as("each attempt writes its own file").doesNotContain("into " + firstDump);
            if (!wholeGroup) {
                assertThat(r.stderr()).as("pg_dumpall first, then its pg_dump")
                        .containsSubsequence("stopping pg_dumpall (", "stopping pg_dump (");
            }
            Thread.sleep(500); // an orphan that was not stopped would write again now
            assertThat(partials(dogu)).as("no leftovers; the rerun logged:\n" + r.stderr()).isEmpty();
            assertThat(writers(dogu)).as("no orphan left").isEmpty();
            assertThat(dumpSessions(old)).isZero();
            Path backup = assertPreUpgradeState(dogu, Store.DOGUCTL, true);
            assertBackupAndManifest(dogu, backup, old);
            finishWithJavaAndCompare(dogu, before);
        }
        FAULTS.put((wholeGroup ? "0b " : "0c ") + victim, "| in the middle of `pg_dumpall` (busybox sh), SIGKILL to " + victim
                + " | killed, pre-upgrade re-run at once" + (wholeGroup ? "" : "; the rerun stops the orphans")
                + " | post-upgrade + startup with Java, data identical, no `*.partial` left | pass ("
                + (System.nanoTime() - t0) / 1_000_000_000 + " s) |");
    }

    /** A TERM to the shell (an orchestrator giving up) stops the dump and leaves nothing behind. */
    @ParameterizedTest(name = "under {0}")
    @CsvSource({"BUSYBOX", "DASH"})
    void aTermDuringPgDumpallStopsTheDumpAndLeavesNothing(Shell shell, @TempDir Path root) throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.DOGUCTL)) {
            dogu.startOldServerWithSampleData(OLD_SERVER, SAMPLE_DATA);
            PostgresServer old = dogu.oldServer();
            try (Connection blocker = old.connect(SampleData.INVENTORY_DATABASE)) {
                blocker.setAutoCommit(false);
                try (Statement s = blocker.createStatement()) {
                    s.execute("LOCK TABLE public.items IN ACCESS EXCLUSIVE MODE");
                }
                CliProcess.Started hook = dogu.start(shell, dogu.oldContainerEnvironment(), "pre-upgrade", FROM, TO);
                awaitDumpWaitingForLock(old, hook);
                Process term = new ProcessBuilder("kill", "-TERM", Long.toString(hook.process().pid())).start();
                assertThat(term.waitFor()).isZero();
                CliProcess.Result r = hook.await(60);
                assertThat(r.exitCode()).as(r.stderr()).isEqualTo(143);
                assertThat(writers(dogu)).as("pg_dumpall and pg_dump stopped").isEmpty();
                blocker.rollback();
            }
            assertThat(partials(dogu)).isEmpty();
            assertThat(dogu.doguctlWrites()).isEmpty();
            assertThat(dogu.lockFile().resolveSibling(dogu.lockFile().getFileName() + ".d")).doesNotExist();
        }
    }

    /** SIGKILL to the hook's process group at each step boundary of the shell path, then a rerun. */
    @ParameterizedTest(name = "SIGKILL at {0}")
    @CsvSource({"pre-upgrade.before-dump", "pre-upgrade.dump-finished", "pre-upgrade.backup-renamed",
            "pre-upgrade.backup-path-recorded"})
    void aKillAtAStepBoundaryIsRecoveredByARerun(String boundary, @TempDir Path root) throws Exception {
        long t0 = System.nanoTime();
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.FILE)) {
            ClusterFingerprint before = dogu.startOldServerWithSampleData(OLD_SERVER, SAMPLE_DATA_AND_OLD_PASSWORD);
            PostgresServer old = dogu.oldServer();
            dogu.setState(StateKeys.PASSWORD, NEW_PASSWORD);
            java.util.Map<String, String> env = new java.util.HashMap<>(dogu.oldContainerEnvironment());
            env.put("DOGU_UPGRADE_HOLD_AT", boundary);
            CliProcess.Started first = dogu.start(Shell.DASH, env, "pre-upgrade", FROM, TO);
            first.awaitLog("holding at " + boundary, 120);
            ShellHookFixture.killProcessGroup(first);
            assertThat(dogu.state(StateKeys.LOCAL_STATE)).as("local_state is written last").isEmpty();

            dogu.run(Shell.DASH, "pre-upgrade", FROM, TO).ok();
            assertThat(partials(dogu)).as("no leftovers").isEmpty();
            Path backup = assertPreUpgradeState(dogu, Store.FILE, true);
            assertBackupAndManifest(dogu, backup, old);
            finishWithJavaAndCompare(dogu, before);
        }
        int step = List.of("pre-upgrade.before-dump", "pre-upgrade.dump-finished", "pre-upgrade.backup-renamed",
                "pre-upgrade.backup-path-recorded").indexOf(boundary);
        FAULTS.put(step + " " + boundary, "| `" + boundary + "` (dash) | killed, pre-upgrade re-run | post-upgrade + startup with Java,"
                + " data identical | pass (" + (System.nanoTime() - t0) / 1_000_000_000 + " s) |");
    }

    private static final java.util.Map<String, String> FAULTS = new java.util.concurrent.ConcurrentSkipListMap<>();

    @org.junit.jupiter.api.AfterAll
    static void writeFaultTable() throws IOException {
        if (FAULTS.isEmpty()) {
            return;
        }
        StringBuilder md = new StringBuilder("| SIGKILL to the hook's shell path at | recovery | checked | outcome |\n"
                + "| --- | --- | --- | --- |\n");
        FAULTS.values().forEach(l -> md.append(l).append('\n'));
        md.append("\nGenerated by ShellPreUpgradeIT on ").append(java.time.LocalDate.now()).append(", PostgreSQL ")
                .append(OLD_SERVER).append(" -> ").append(NEW_SERVER).append(", no Java in the old container.\n");
        GeneratedDocs.publish("shell-fault-matrix", md.toString());
    }

    private static void awaitDumpWaitingForLock(PostgresServer old, CliProcess.Started hook) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!hook.process().isAlive()) {
                throw new AssertionError("the hook ended before pg_dump waited for the lock:\n" + hook.stderrSoFar());
            }
            if (dumpSessions(old) > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("pg_dump never waited for the table lock:\n" + hook.stderrSoFar());
    }

    private static int dumpSessions(PostgresServer old) throws Exception {
        return Integer.parseInt(old.queryValue("postgres", "SELECT count(*) FROM pg_stat_activity"
                + " WHERE application_name IN ('pg_dump', 'pg_dumpall') AND wait_event_type = 'Lock'"));
    }

    /** @return the command lines of processes that name a file in the backup directory */
    private static List<String> writers(ShellHookFixture dogu) throws IOException {
        String dir = dogu.backupDirectory().toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).map(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    return "";
                }
            }).filter(c -> c.contains(dir) && c.contains("pg_dump")).toList();
        }
    }

    private static List<Path> partials(ShellHookFixture dogu) throws IOException {
        if (!Files.isDirectory(dogu.backupDirectory())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dogu.backupDirectory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".partial")).sorted().toList();
        }
    }

    /** The state as specified: old PGDATA, then the backup path (if any), then local_state last. */
    static Path assertPreUpgradeState(ShellHookFixture dogu, Store store, boolean backup) throws IOException {
        assertThat(dogu.state("migration_old_pgdata")).contains(dogu.oldData().toString());
        assertThat(dogu.state(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
        if (store == Store.DOGUCTL) {
            List<String> writes = dogu.doguctlWrites();
            assertThat(writes).as("order of the state keys written").containsExactlyElementsOf(backup
                    ? List.of("migration_old_pgdata", StateKeys.MIGRATION_BACKUP_PATH, StateKeys.LOCAL_STATE)
                    : List.of("migration_old_pgdata", StateKeys.LOCAL_STATE));
        }
        assertThat(dogu.lockFile().resolveSibling(dogu.lockFile().getFileName() + ".d")).as("lock released")
                .doesNotExist();
        if (!backup) {
            assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            return null;
        }
        Path path = Path.of(dogu.state(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        assertThat(path).isEqualTo(dogu.backupDirectory().resolve("cluster-" + FROM + ".sql"));
        return path;
    }

    /** The files as the Java phase writes them, read with the Java reader. */
    static void assertBackupAndManifest(ShellHookFixture dogu, Path backup, PostgresServer old) throws Exception {
        assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(backup).getName()).isEqualTo(old.osUser());
        Path manifestFile = BackupManifest.pathFor(backup);
        assertThat(Files.getPosixFilePermissions(manifestFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(manifestFile).getName()).isEqualTo(old.osUser());
        BackupManifest manifest = BackupManifest.readFor(backup);
        assertThat(manifest.format()).isEqualTo(BackupManifest.FORMAT_PLAIN);
        assertThat(manifest.size()).isEqualTo(Files.size(backup));
        assertThat(manifest.sha256()).isEqualTo(Checksums.sha256(backup));
        assertThat(manifest.from()).isEqualTo(FROM);
        assertThat(manifest.to()).isEqualTo(TO);
        assertThat(manifest.sourceServerVersion()).isEqualTo(old.versionNumber());
        assertThat(manifest.dumpToolVersion()).matches("15\\.[0-9]+");
        assertThat(manifest.cluster().encoding()).isEqualTo(old.queryValue("postgres",
                "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'"));
        assertThat(manifest.cluster().collate()).isEqualTo(old.queryValue("postgres",
                "SELECT datcollate FROM pg_database WHERE datname = 'template1'"));
        assertThat(manifest.cluster().walSegmentBytes()).as("as the Java path records it").isEqualTo(Long.parseLong(
                old.queryValue("postgres", "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")));
        assertThat(manifest.cluster().localeProvider()).isEqualTo("libc"); // 14: no other provider exists
        assertThat(manifest.sourceClusterBytes()).isPositive();
        Properties raw = new Properties();
        try (Reader r = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
            raw.load(r);
        }
        assertThat(raw.getProperty("oldCluster.path")).isEqualTo(dogu.oldData().toString());
        assertThat(raw.getProperty("oldCluster.major")).isEqualTo("14");
        assertThat(raw.getProperty("oldCluster.owner")).isEqualTo(old.osUser());
        assertThat(Files.readString(backup, StandardCharsets.UTF_8)).contains("PostgreSQL database cluster dump complete");
        try (Stream<Path> files = Files.list(dogu.backupDirectory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    backup.getFileName().toString(), manifestFile.getFileName().toString());
        }
    }

    /** post-upgrade and startup with the Java CLI in the new container, then compare the content. */
    static void finishWithJavaAndCompare(ShellHookFixture dogu, ClusterFingerprint before) throws Exception {
        Path backup = Path.of(dogu.state(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        dogu.stopOldServer();
        CliProcess post = dogu.newContainer(NEW_SERVER);
        post.run("post-upgrade", FROM, TO).ok();
        assertThat(dogu.state(StateKeys.LOCAL_STATE)).isEmpty();
        CliProcess.Result startup = post.run("startup").ok();
        assertThat(startup.stderr()).contains("migration 01-restore finished");
        assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        assertThat(backup).doesNotExist();
        assertThat(Files.readString(dogu.newData().resolve("PG_VERSION")).strip()).isEqualTo("17");
        try (PostgresServer upgraded = PostgresServer.builder(NEW_SERVER).dataDirectory(dogu.newData())
                .superuserPassword(NEW_PASSWORD).start()) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after the upgrade").isEmpty();
        }
    }
}
