package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a successful restore leaves behind — the moved-aside old cluster and the backup —
 * unless retention says keep. Also run on a later start, so a crash between "restore complete"
 * and the clean-up never leaves a second copy of the data lying around. Only called when no restore
 * is pending, i.e. the restored cluster is the one that counts.
 */
public final class RestoreLeftovers {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreLeftovers.class);

    private RestoreLeftovers() {
    }

    /** @param data PGDATA, whose {@code <name>.previous-<major>} siblings are old clusters */
    public static void removeOldClusters(DataDirectory data) {
        Path parent = data.path().toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(parent, data.path().getFileName() + ".previous-*")) {
            for (Path p : old) {
                RestoreTarget.deleteTree(p);
                LOG.info("removed the old cluster {} after the successful restore (keep it with --keep-old-cluster)", p);
            }
        } catch (IOException e) {
            LOG.warn("could not list old clusters next to {}: {}", data.path(), e.getMessage());
        }
    }

    /**
     * @param backup one restored backup: a {@code pg_dumpall} file or a parallel backup's directory; its
     *     manifest goes first, so a half-removed backup never verifies
     */
    public static void removeBackup(Path backup) throws IOException {
        // A carried-over installation's rollback dump and pg_upgrade journal go with it, before it (a rerun repeats).
        if (Files.isDirectory(backup)) {
            java.util.Optional<com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump> dump =
                    com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump.of(backup);
            if (dump.isPresent()) {
                Files.deleteIfExists(BackupManifest.pathFor(dump.get().file()));
                Files.deleteIfExists(dump.get().file());
                LOG.info("removed the rollback dump {}", dump.get().file());
            }
            Path backupDirectory = backup.toAbsolutePath().getParent();
            // pg_upgrade's logs: a completed restore needs them no more (pg_upgrade drops its own on success too)
            com.cloudogu.upgrade.core.internal.backup.BackupFiles.deleteTree(backupDirectory.resolve(
                    com.cloudogu.upgrade.core.internal.pgupgrade.PgUpgradeRun.WORK_DIRECTORY));
            new com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal(backupDirectory).clear();
        }
        Files.deleteIfExists(BackupManifest.pathFor(backup));
        com.cloudogu.upgrade.core.internal.backup.BackupFiles.deleteTree(backup);
        LOG.info("removed the restored backup {} (keep it with --keep-backup)", backup);
    }
}
