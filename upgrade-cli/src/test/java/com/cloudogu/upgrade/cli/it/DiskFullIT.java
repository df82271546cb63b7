package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of disk on real small filesystems (tmpfs mounts; the suite runs as root): the phase
 * fails with the space it needed, the old cluster stays usable and the state stays as it was.
 */
class DiskFullIT {

    private static final String OLD = "14.19.0";
    private final List<Path> mounts = new ArrayList<>();

    @TempDir
    Path root;

    @Test
    void aBackupThatCannotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            mount(dogu.backupDirectory(), "1m");
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            CliProcess.Result r = dogu.cli(OLD).run("pre-upgrade", "14.19-1", "17.6-0");
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stderr()).contains("[DU-SPACE]", "Not enough space for the backup", "needed", "free");
            assertUnchanged(dogu, old);
            try (var files = Files.list(dogu.backupDirectory())) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aDumpThatRunsOutOfSpaceHalfWayFailsCleanlyWithTheSpaceNeeded() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            mount(dogu.backupDirectory(), "200m");
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            // Something else fills the volume after the space check: leave 64 KiB for a 400 KiB dump.
            CliProcess.Result r = preUpgradeFillingAt(dogu, "pre-upgrade.before-dump",
                    dogu.backupDirectory().resolve("filler"), 64 * 1024);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stderr()).contains("[DU-SPACE]", "ran out of space", "are needed");
            assertUnchanged(dogu, old);
            try (var files = Files.list(dogu.backupDirectory())) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("filler");
            }
        }
    }

    @Test
    void aVolumeTooSmallForTheRestoreIsRefusedBeforeTheImageSwitch() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            // The whole volume is small: old cluster, backup and the new PGDATA share it, as in the dogu.
            mount(dogu.volume(), "300m");
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            // The backup fits, but what is left cannot take the restored cluster (twice the backup + 64 MiB).
            CliProcess.Result r = preUpgradeFillingAt(dogu, "pre-upgrade.backup-renamed",
                    dogu.volume().resolve("filler"), 32L << 20);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stderr()).contains("[DU-SPACE]", "The new container could not restore the backup", "needed",
                    "nothing was recorded");
            assertUnchanged(dogu, old);
            assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).isEmpty();
            try (var files = Files.list(dogu.backupDirectory())) {
                assertThat(files).as("the unrecorded backup is removed").isEmpty();
            }
        }
    }

    @Test
    void aRestoreThatCannotFitIsRefusedAndAbortBringsTheOldClusterBack() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            dogu.cli(OLD).run("pre-upgrade", "14.19-1", "17.6-0").ok();
            dogu.stopServer();
            dogu.cli("17.6.0").run("post-upgrade", "14.19-1", "17.6-0").ok();
            Path data = dogu.pgdata("17.6.0");
            // The new cluster's volume is tiny: PGDATA (created by post-upgrade) is a small mount point.
            mount(data, "8m");
            CliProcess.Result r = dogu.cli("17.6.0").run("startup");
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stderr()).contains("[DU-SPACE]", "Not enough space to restore", "needed");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isPresent();
            unmountAll();
            dogu.cli("17.6.0").run("abort").ok();
            try (PostgresServer back = dogu.startServer(OLD); Connection c = back.connect(SampleData.SHOP_DATABASE);
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sales.orders")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(SampleData.ORDER_COUNT);
            }
        }
    }

    private static void assertUnchanged(EmbeddedDogu dogu, PostgresServer old) throws Exception {
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        try (Connection c = old.connect(SampleData.SHOP_DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE still_writable (id int)");
        }
    }

    private void mount(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        // 0755: the volume must stay traversable for the server's OS user.
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=" + (dir.getFileName().toString().equals("volume")
                ? "0755" : "0700"), "tmpfs", dir.toString());
        mounts.add(dir);
    }

    /** Runs pre-upgrade, holds it at {@code checkpoint}, fills the disk of {@code filler} up to {@code leave} bytes, lets it go on. */
    private CliProcess.Result preUpgradeFillingAt(EmbeddedDogu dogu, String checkpoint, Path filler, long leave)
            throws Exception {
        Path release = root.resolve("release");
        CliProcess.Started pre = dogu.cli(OLD).start(Map.of("DOGU_UPGRADE_HOLD_AT", checkpoint,
                "DOGU_UPGRADE_HOLD_RELEASE_FILE", release.toString()), "pre-upgrade", "14.19-1", "17.6-0");
        pre.awaitLog("holding at " + checkpoint, 120);
        fill(filler, leave);
        Files.createFile(release);
        return pre.await(120);
    }

    private static void fill(Path file, long leave) throws IOException {
        FileStore store = Files.getFileStore(file.getParent());
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (store.getUsableSpace() > leave + block.length) {
                out.write(block);
                out.flush();
            }
        }
    }

    @AfterEach
    void unmountAll() throws Exception {
        for (Path m : mounts) {
            run("umount", "-l", m.toString());
        }
        mounts.clear();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out
                    + " (the disk-full tests need root and tmpfs mounts)");
        }
    }
}
