package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upgrade's behaviour around the happy path: minor upgrades, concurrent phases, crashes, bad backups. */
class UpgradeScenariosIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "superuser-secret";

    @TempDir
    Path root;

    @Test
    void minorUpgradeOnTheSameDataDirectoryTakesNoBackupAndRunsMigrationsOnATemporaryServer() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            // sample data (no superuser password), copied from a prepared cluster (PluginIT's old image as well)
            ClusterFingerprint before = dogu.startWithSampleDataOnly("14.10.0");
            CliProcess.Result pre = dogu.cli("14.10.0").run("pre-upgrade", "14.10-1", "14.15-1").ok();
            assertThat(pre.stderr()).contains("no full backup required");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(dogu.backupDirectory()).doesNotExist();
            dogu.stopServer();

            CliProcess.Result post = dogu.cli("14.15.0").run("post-upgrade", "14.10-1", "14.15-1").ok();
            assertThat(post.stderr()).contains("temporary PostgreSQL 14.15 server", "no TCP")
                    .as("the restore is an engine step: without a backup it is not mentioned").doesNotContain("01-restore");
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.pgdata("14.15.0")).as("a minor upgrade keeps PGDATA").isEqualTo(dogu.pgdata("14.10.0"));
            assertThat(dogu.pgdata("14.15.0").resolve("postmaster.pid")).doesNotExist();
            dogu.cli("14.15.0").run("startup").ok();

            try (PostgresServer upgraded = dogu.startServer("14.15.0")) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).isEmpty();
            }
        }
    }

    @Test
    void planNamesTheRuleThatFiredAndStatusShowsTheUpgradeWithoutChangingAnything() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            Path stateFile = root.resolve("config/dogu-state.properties");
            String stateBefore = Files.readString(stateFile);
            CliProcess.Result plan = dogu.cli(NEW).run("plan", FROM, TO).ok();
            assertThat(plan.stdout()).contains("full backup and restore: yes", "rule major-upgrade: PostgreSQL 14 -> 17",
                    "pending migrations (marker not set): 02-restrict-stat-visibility");
            JsonNode json = new ObjectMapper().readTree(dogu.cli(NEW).run("plan", "--json", FROM, TO).ok().stdout());
            assertThat(json.get("format").intValue()).isEqualTo(1);
            assertThat(json.get("from").textValue()).isEqualTo(FROM);
            assertThat(json.get("majorUpgrade").booleanValue()).isTrue();
            assertThat(json.get("backupRequired").booleanValue()).isTrue();
            assertThat(json.get("backupReasons").get(0).textValue()).isEqualTo("major-upgrade: PostgreSQL 14 -> 17");
            assertThat(json.get("method").textValue()).isEqualTo("dump");
            assertThat(json.get("pgUpgradeMode").isNull()).isTrue();
            assertThat(json.get("spaceNeeded")).isNotEmpty();
            assertThat(json.get("pendingMigrations").toString()).contains("02-restrict-stat-visibility");
            assertThat(json.get("compatibilityChecks")).isNotEmpty();
            CliProcess.Result minor = dogu.cli(NEW).run("plan", "17.2-1", "17.6-0").ok();
            assertThat(minor.stdout()).contains("full backup and restore: no");
            CliProcess.Result status = dogu.cli(NEW).run("status", "--json").ok();
            assertThat(status.stdout()).startsWith("{\"format\":1,\"localState\":\"upgrading\",\"upgrading\":true")
                    .contains("\"backupPath\":\"" + dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow() + "\"")
                    .doesNotContain(PASSWORD);
            assertThat(Files.readString(stateFile)).isEqualTo(stateBefore);
        }
    }

    @Test
    void startupOnAnEmptyDataDirectoryInitializesAFreshClusterAndCountsMigrationsAsApplied() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            assertThat(dogu.pgdata(NEW)).as("a new volume has no PGDATA yet").doesNotExist();
            dogu.setPassword(PASSWORD);
            CliProcess.Result startup = dogu.cli(NEW).run("startup").ok();
            assertThat(startup.stderr()).contains("fresh install");
            assertThat(dogu.state().get("restricted_stat_visibility")).contains("true");
            assertThat(dogu.state().get("migrated_database_constraints")).contains("true");
            try (PostgresServer fresh = dogu.startServer(NEW, PASSWORD)) {
                assertThat(fresh.queryValue("postgres", "SELECT current_user")).isEqualTo("postgres");
            }
            assertThat(dogu.cli(NEW).run("startup").ok().stderr()).doesNotContain("fresh install");
        }
    }

    @Test
    void startupGivesUpAfterItsWaitTimeoutWithItsOwnExitCode() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            dogu.startServer(NEW);
            dogu.stopServer();
            dogu.state().set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            long t0 = System.nanoTime();
            CliProcess.Result r = dogu.cli(NEW).run("startup", "--wait-timeout", "3");
            assertThat(r.exitCode()).isEqualTo(4);
            assertThat(r.stderr()).contains("[DU-TIMEOUT]", "Waited 3 s", "--wait-timeout");
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isBetween(3.0, 30.0);
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
        }
    }

    @Test
    void startupStartedTogetherWithPostUpgradeWaitsThenRestores() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            ClusterFingerprint before = fingerprintOfOldCluster(dogu);
            CliProcess cli = dogu.cli(NEW);
            CliProcess.Started startup = cli.start("startup");
            startup.awaitLog("waiting for the upgrade to finish", 60);
            cli.run("post-upgrade", FROM, TO).ok();
            CliProcess.Result done = startup.await(300).ok();
            assertThat(done.stderr()).contains("migration 01-restore finished");
            assertThat(restoredFingerprint(dogu).diff(before)).isEmpty();
        }
    }

    @Test
    void postUpgradeRestoresItselfWhenConfiguredForOrchestratorsThatRestartAfterwards() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            ClusterFingerprint before = fingerprintOfOldCluster(dogu);
            CliProcess.Result post = dogu.cli(NEW).run("post-upgrade", "--restore-in-post-upgrade", FROM, TO).ok();
            assertThat(post.stderr()).contains("migration 01-restore finished");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            CliProcess.Result startup = dogu.cli(NEW).run("startup").ok();
            assertThat(startup.stderr()).doesNotContain("01-restore");
            assertThat(restoredFingerprint(dogu).diff(before)).isEmpty();
        }
    }

    @Test
    void aSecondPostUpgradeWhileOneRunsFailsFastWithTheLockedExitCode() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            CliProcess cli = dogu.cli(NEW);
            CliProcess.Started first = cli.start(Map.of("DOGU_UPGRADE_HOLD_AT", "post-upgrade.backup-verified"),
                    "post-upgrade", FROM, TO);
            first.awaitLog("holding at post-upgrade.backup-verified", 60);
            long t0 = System.nanoTime();
            CliProcess.Result second = cli.run("post-upgrade", FROM, TO);
            assertThat(second.exitCode()).isEqualTo(5);
            assertThat(second.stderr()).contains("[DU-LOCKED]", "Another dogu-upgrade phase is running");
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds to refuse").isLessThan(5);
            first.kill();
            // The dead holder's lock is gone with it: a rerun proceeds at once.
            cli.run("post-upgrade", FROM, TO).ok();
        }
    }

    @Test
    void aFailedPostUpgradeMakesAWaitingStartupFailFastWithTheReason() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            CliProcess cli = dogu.cli(NEW);
            CliProcess.Started startup = cli.start("startup");
            startup.awaitLog("waiting for the upgrade to finish", 60);
            corrupt(backup);
            CliProcess.Result post = cli.run("post-upgrade", FROM, TO);
            assertThat(post.exitCode()).isEqualTo(3);
            long t0 = System.nanoTime();
            CliProcess.Result failed = startup.await(30);
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(failed.stderr()).contains("The upgrade failed", "SHA-256");
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds until startup noticed").isLessThan(10);
        }
    }

    @Test
    void aRestoreKilledHalfwayFinishesOnTheNextStartWithIdenticalData() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            ClusterFingerprint before = fingerprintOfOldCluster(dogu);
            CliProcess cli = dogu.cli(NEW);
            cli.run("post-upgrade", FROM, TO).ok();
            CliProcess.Started startup = cli.start(Map.of("DOGU_UPGRADE_HOLD_AT", "restore.halfway"), "startup");
            startup.awaitLog("holding at restore.halfway", 120);
            startup.kill();

            CliProcess.Result again = cli.run("startup").ok();
            assertThat(again.stderr()).contains("left running by an interrupted earlier run",
                    "discarding the partial restore target");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            ClusterFingerprint after = restoredFingerprint(dogu);
            assertThat(after.diff(before)).isEmpty();
        }
    }

    @Test
    void aMissingBackupIsAClearErrorAndTheOldClusterStaysInPlace() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            Files.delete(backup);
            assertBadBackupKeepsEverything(dogu, backup, "does not exist");
        }
    }

    @Test
    void aTruncatedBackupIsAClearErrorAndTheOldClusterStaysInPlace() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            try (RandomAccessFile f = new RandomAccessFile(backup.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
            assertBadBackupKeepsEverything(dogu, backup, "truncated");
        }
    }

    @Test
    void aBackupWithAWrongChecksumIsAClearErrorAndTheOldClusterStaysInPlace() throws Exception {
        try (EmbeddedDogu dogu = preparedMajorUpgrade()) {
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            corrupt(backup);
            assertBadBackupKeepsEverything(dogu, backup, "SHA-256");
        }
    }

    private void assertBadBackupKeepsEverything(EmbeddedDogu dogu, Path backup, String reason) throws Exception {
        String pgVersionBefore = Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION"));
        CliProcess.Result post = dogu.cli(NEW).run("post-upgrade", FROM, TO);
        assertThat(post.exitCode()).isEqualTo(3);
        assertThat(post.stderr()).contains("dogu-upgrade: error [DU-RESTORE]", reason, "old data is untouched")
                .doesNotContain("\tat ");
        assertThat(Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION"))).isEqualTo(pgVersionBefore);
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).contains(backup.toString());
        CliProcess.Result startup = dogu.cli(NEW).run("startup");
        assertThat(startup.exitCode()).isEqualTo(3);
        assertThat(Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION"))).isEqualTo(pgVersionBefore);
        try (PostgresServer old = dogu.startServer(OLD); Connection c = old.connect(SampleData.SHOP_DATABASE);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sales.orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(SampleData.ORDER_COUNT);
        }
    }

    private EmbeddedDogu preparedMajorUpgrade() throws Exception {
        EmbeddedDogu dogu = EmbeddedDogu.in(root);
        // sample data and the superuser password 'the-old-password', copied from a prepared cluster
        dogu.startWithSampleData(OLD, PASSWORD);
        dogu.cli(OLD).run("pre-upgrade", FROM, TO).ok();
        dogu.stopServer();
        return dogu;
    }

    private static ClusterFingerprint fingerprintOfOldCluster(EmbeddedDogu dogu) throws Exception {
        try (PostgresServer old = dogu.startServer(OLD)) {
            return ClusterFingerprint.of(old);
        } finally {
            dogu.stopServer();
        }
    }

    private static ClusterFingerprint restoredFingerprint(EmbeddedDogu dogu) throws Exception {
        try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
            return ClusterFingerprint.of(upgraded);
        } finally {
            dogu.stopServer();
        }
    }

    private static void corrupt(Path backup) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(backup.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x20);
        }
    }

}
