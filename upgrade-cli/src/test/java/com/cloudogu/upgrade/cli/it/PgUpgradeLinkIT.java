package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pg_upgrade in link mode through the real CLI jar, Debian 15 to 17 on the per-major layout: the run
 * end to end, SIGKILL at every step of its journal (the checkpoints of
 * {@link Checkpoint.Flow#PG_UPGRADE_LINK}, so a new step is killed at without a change here) followed
 * by the rerun an orchestrator does, and {@code abort} on both sides of the point of no return.
 */
class PgUpgradeLinkIT {

    private static final String NEW_PASSWORD = "n3w-pg-upgrade-link-secret";
    private static final Map<String, String> LINK = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade",
            "DOGU_UPGRADE_PG_UPGRADE_MODE", "link");
    private static final PostgresBinaries OLD_IMAGE = PostgresBinaries.of(DebianInstallations.get(15));
    private static final PostgresBinaries NEW_IMAGE = PostgresBinaries.of(DebianInstallations.get(17));
    private static final String FROM = "15." + OLD_IMAGE.minor() + "-1";
    private static final String TO = "17." + NEW_IMAGE.minor() + "-1";

    @Test
    void linkModeWithTheDefaultRollbackDumpKeepsEverythingAndLeavesNothingBehind(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            ClusterFingerprint before = prepare(dogu);
            CliProcess.Result pre = dogu.cli(OLD_IMAGE).start(LINK, "pre-upgrade", FROM, TO).await(600).ok();
            assertThat(pre.stderr()).contains("writing a plain dump as its rollback");
            assertThat(dogu.backupDirectory().resolve("cluster-" + FROM + ".sql")).isRegularFile();
            assertThat(dogu.backupDirectory().resolve("pg-upgrade-" + FROM + ".d/rollback-dump.properties"))
                    .isRegularFile();
            dogu.stopServer();
            dogu.cli(NEW_IMAGE).start(LINK, "post-upgrade", FROM, TO).await(600).ok();
            CliProcess.Result startup = dogu.cli(NEW_IMAGE).start(LINK, "startup").await(600).ok();
            assertThat(startup.stderr()).contains("pg_upgrade mode link: link was asked for; the rollback is the"
                    + " pre-upgrade dump", "pg_upgrade journal: first-start", "point of no return")
                    .doesNotContain(NEW_PASSWORD);
            assertUpgraded(dogu, before);
        }
    }

    /**
     * One upgrade killed at each journal step in turn, in the order they are reached: every rerun first
     * recovers what the kill before left (the old cluster renamed back before the first start), runs
     * pg_upgrade again and is killed at the next step; after the point of no return {@code abort} is
     * refused and the last rerun restores the rollback dump.
     */
    @Test
    void aKillAtEveryJournalStepIsRecoveredByRunningStartupAgain(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            ClusterFingerprint before = prepare(dogu);
            upToStartup(dogu, LINK);
            String recovered = "";
            for (Checkpoint step : Checkpoint.of(Checkpoint.Flow.PG_UPGRADE_LINK)) {
                String log = killAt(dogu, step, LINK);
                assertThat(log).as("the rerun before " + step.id() + " recovered the kill before").contains(recovered);
                assertThat(Files.readString(dogu.backupDirectory().resolve("pg-upgrade.journal")))
                        .contains("step=" + (step == Checkpoint.PG_UPGRADE_LINK_STARTED ? "STARTED"
                                : step == Checkpoint.PG_UPGRADE_LINKED ? "LINKED" : "FIRST_START"));
                recovered = "bringing the old cluster";
            }
            CliProcess.Result abort = dogu.cli(NEW_IMAGE).start(LINK, "abort").await(120);
            assertThat(abort.exitCode()).as("abort after the point of no return").isEqualTo(3);
            assertThat(abort.stderr()).contains("abort refused", "no longer valid", "cluster-" + FROM + ".sql");
            CliProcess.Result again = dogu.cli(NEW_IMAGE).start(LINK, "startup").await(600).ok();
            assertThat(again.stderr()).contains("restoring the rollback dump").doesNotContain("bringing the old cluster");
            assertUpgraded(dogu, before);
        }
    }

    @Test
    void abortBeforeTheFirstStartBringsTheOldClusterBackForTheOldImage(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            ClusterFingerprint before = prepare(dogu);
            upToStartup(dogu, LINK);
            killAt(dogu, Checkpoint.PG_UPGRADE_LINKED, LINK);
            Path oldData = dogu.pgdata(OLD_IMAGE.version());
            assertThat(oldData.resolve("global/pg_control.old")).as("pg_upgrade --link disabled the old cluster")
                    .isRegularFile();

            dogu.cli(NEW_IMAGE).start(LINK, "abort").await(120).ok();
            assertThat(oldData.resolve("global/pg_control")).isRegularFile();
            assertThat(oldData.resolve("global/pg_control.old")).doesNotExist();
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.backupDirectory().resolve("pg-upgrade.journal")).doesNotExist();
            try (PostgresServer old = dogu.startServer(OLD_IMAGE)) {
                assertThat(before.diff(ClusterFingerprint.of(old))).as("the old cluster after abort").isEmpty();
            }
            dogu.stopServer();
        }
    }

    @Test
    void withoutADumpTheRerunAfterTheFirstStartStopsAndPointsAtTheSnapshot(@TempDir Path root) throws Exception {
        Map<String, String> noDump = new HashMap<>(LINK);
        noDump.put("DOGU_UPGRADE_PG_UPGRADE_ROLLBACK", "none");
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            prepare(dogu);
            CliProcess.Result pre = upToStartup(dogu, noDump);
            assertThat(pre.stderr()).contains("no rollback dump (--pg-upgrade-rollback none)");
            try (Stream<Path> backups = Files.list(dogu.backupDirectory())) {
                assertThat(backups.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("cluster-"));
            }
            killAt(dogu, Checkpoint.PG_UPGRADE_FIRST_START, noDump);

            CliProcess.Result again = dogu.cli(NEW_IMAGE).start(noDump, "startup").await(600);
            assertThat(again.exitCode()).isEqualTo(3);
            assertThat(again.stderr()).contains("[DU-RESTORE]", "is no longer valid", "Restore the volume snapshot");
            CliProcess.Result abort = dogu.cli(NEW_IMAGE).start(noDump, "abort").await(120);
            assertThat(abort.exitCode()).isEqualTo(3);
            assertThat(abort.stderr()).contains("abort refused", "no rollback dump", "volume snapshot");
            assertThat(dogu.pgdata(OLD_IMAGE.version()).resolve("global/pg_control"))
                    .as("never renamed back after the first start").doesNotExist();
        }
    }

    private static ClusterFingerprint prepare(EmbeddedDogu dogu) throws Exception {
        return dogu.startWithSampleData(OLD_IMAGE, NEW_PASSWORD);
    }

    /** pre-upgrade on the old image, the old server stops, post-upgrade on the new image. */
    private static CliProcess.Result upToStartup(EmbeddedDogu dogu, Map<String, String> env) throws Exception {
        CliProcess.Result pre = dogu.cli(OLD_IMAGE).start(env, "pre-upgrade", FROM, TO).await(600).ok();
        dogu.stopServer();
        dogu.cli(NEW_IMAGE).start(env, "post-upgrade", FROM, TO).await(600).ok();
        return pre;
    }

    /** @return the log of the killed run */
    private static String killAt(EmbeddedDogu dogu, Checkpoint step, Map<String, String> env) throws Exception {
        Map<String, String> hold = new HashMap<>(env);
        hold.put("DOGU_UPGRADE_HOLD_AT", step.id());
        CliProcess.Started startup = dogu.cli(NEW_IMAGE).start(hold, step.phase());
        startup.awaitLog("holding at " + step.id(), 300);
        startup.kill();
        return startup.stderrSoFar();
    }

    private static void assertUpgraded(EmbeddedDogu dogu, ClusterFingerprint before) throws Exception {
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        try (Stream<Path> top = Files.list(dogu.volume())) {
            assertThat(top.map(p -> p.getFileName().toString())).containsOnly("backup", "17");
        }
        try (Stream<Path> backups = Files.list(dogu.backupDirectory())) {
            assertThat(backups.map(p -> p.getFileName().toString()))
                    .as("installation copy, rollback dump and journal removed").isEmpty();
        }
        try (PostgresServer upgraded = dogu.start(PostgresServer.builder(NEW_IMAGE).superuserPassword(NEW_PASSWORD),
                NEW_IMAGE.version())) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after pg_upgrade --link").isEmpty();
        }
        dogu.stopServer();
    }
}
