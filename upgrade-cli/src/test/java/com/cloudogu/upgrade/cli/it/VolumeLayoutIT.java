package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What abort and the same-major layout change do on the dogu's real volume layouts, through the CLI
 * jar: abort brings back exactly what the old image starts on; the new image then refuses to start
 * on an empty PGDATA next to the old cluster; a layout change within one major moves the files
 * without a backup, survives a kill half way, and abort moves them back.
 */
class VolumeLayoutIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "layout-secret";

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0} layout, {1} backup, restore killed half way: {2}")
    @CsvSource({
            "PER_MAJOR, plain, false",
            "LEGACY, plain, true",
            "PER_MAJOR, parallel, true",
            "LEGACY, parallel, false"})
    void abortAfterPostUpgradeLetsTheOldImageStartOnItsClusterAndTheNewImageRefuses(EmbeddedDogu.Layout layout,
            String strategy, boolean killRestore) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            ClusterFingerprint before = load(dogu);
            Map<String, String> backup = Map.of("DOGU_UPGRADE_BACKUP_STRATEGY", strategy);
            dogu.cli(OLD).start(backup, "pre-upgrade", FROM, TO).await(600).ok();
            String backupPath = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow();
            dogu.stopServer();
            dogu.cli(NEW).run("post-upgrade", FROM, TO).ok();
            assertThat(dogu.pgdata(NEW)).as("post-upgrade created the new PGDATA").isDirectory();
            if (killRestore) {
                CliProcess.Started startup = dogu.cli(NEW).start(Map.of("DOGU_UPGRADE_HOLD_AT", "restore.server-started"),
                        "startup");
                startup.awaitLog("holding at restore.server-started", 120);
                startup.kill();
                assertThat(dogu.pgdata(NEW).resolve("dogu-upgrade-restore-target")).exists();
            }

            CliProcess.Result abort = dogu.cli(NEW).run("abort").ok();
            assertThat(abort.stderr()).contains("upgrade taken back", "backup kept at " + backupPath);
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).isEmpty();
            assertThat(dogu.volume().resolve("17")).as("the new major's directory is gone").doesNotExist();
            assertThat(Path.of(backupPath)).as("the backup is kept").exists();

            CliProcess.Result newImage = dogu.cli(NEW).run("startup");
            assertThat(newImage.exitCode()).as("the new image refuses an empty PGDATA next to the old cluster")
                    .isEqualTo(3);
            assertThat(newImage.stderr()).contains("refusing a fresh install", dogu.pgdata(OLD).toString());
            assertThat(Path.of(backupPath)).as("the refusing startup kept the backup").exists();

            try (PostgresServer back = dogu.startServer(OLD)) {
                assertThat(before.diff(ClusterFingerprint.of(back))).as("the old image's cluster after abort").isEmpty();
            }
        }
    }

    @Test
    void aLayoutChangeWithinOneMajorMovesTheClusterWithoutABackup() throws Exception {
        // dogu 14.15-1 (PGDATA = volume root) -> 14.21-1 (PGDATA = <volume>/14/docker); 14.15.0 and
        // 14.19.0 stand for the two images.
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            ClusterFingerprint before = load(dogu, "14.15.0");
            Path old = dogu.pgdata("14.15.0");
            Path moved = dogu.pgdata("14.19.0");
            assertThat(old).isEqualTo(dogu.volume());
            CliProcess.Result pre = dogu.cli("14.15.0").run("pre-upgrade", "14.15-1", "14.21-1").ok();
            assertThat(pre.stderr()).contains("no full backup required");
            assertThat(dogu.backupDirectory()).doesNotExist();
            assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).contains(old.toString());
            dogu.stopServer();

            CliProcess.Result post = dogu.cli("14.19.0").run("post-upgrade", "14.15-1", "14.21-1").ok();
            assertThat(post.stderr()).contains("moved the PostgreSQL cluster from " + old + " to " + moved);
            assertThat(topLevel(dogu.volume())).containsOnly("14");
            assertThat(Files.getOwner(moved).getName()).isEqualTo("postgres");
            dogu.cli("14.19.0").run("startup").ok();
            try (PostgresServer upgraded = dogu.startServer("14.19.0")) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).isEmpty();
            }
        }
    }

    @Test
    void aLayoutChangeKilledHalfWayIsFinishedByARerunOrTakenBackByAbort() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            ClusterFingerprint before = load(dogu, "14.15.0");
            dogu.cli("14.15.0").run("pre-upgrade", "14.15-1", "14.21-1").ok();
            dogu.stopServer();
            killAtFirstMove(dogu);
            assertThat(dogu.volume().resolve("PG_VERSION")).as("PG_VERSION moves last").exists();

            dogu.cli("14.19.0").run("abort").ok();
            assertThat(dogu.volume().resolve("14")).as("nothing left of the new layout").doesNotExist();
            try (PostgresServer back = dogu.startServer("14.15.0")) {
                assertThat(before.diff(ClusterFingerprint.of(back))).as("after abort").isEmpty();
            }

            dogu.cli("14.15.0").run("pre-upgrade", "14.15-1", "14.21-1").ok();
            dogu.stopServer();
            killAtFirstMove(dogu);
            dogu.cli("14.19.0").run("post-upgrade", "14.15-1", "14.21-1").ok();
            dogu.cli("14.19.0").run("startup").ok();
            assertThat(topLevel(dogu.volume())).containsOnly("14");
            try (PostgresServer upgraded = dogu.startServer("14.19.0")) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("after the rerun").isEmpty();
            }
        }
    }

    private static void killAtFirstMove(EmbeddedDogu dogu) throws Exception {
        CliProcess.Started post = dogu.cli("14.19.0").start(Map.of("DOGU_UPGRADE_HOLD_AT", "relocation.entry-moved"),
                "post-upgrade", "14.15-1", "14.21-1");
        post.awaitLog("holding at relocation.entry-moved", 120);
        post.kill();
    }

    private static ClusterFingerprint load(EmbeddedDogu dogu) throws Exception {
        return load(dogu, OLD);
    }

    private static ClusterFingerprint load(EmbeddedDogu dogu, String version) throws Exception {
        // sample data (no superuser password), copied from a prepared cluster
        ClusterFingerprint before = dogu.startWithSampleDataOnly(version);
        dogu.setPassword(PASSWORD);
        return before;
    }

    private static List<String> topLevel(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
