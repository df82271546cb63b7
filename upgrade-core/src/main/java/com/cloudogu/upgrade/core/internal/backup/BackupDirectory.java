package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.OrphanReaper;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory every dump is written to, whatever its format: checked and cleared of an interrupted
 * earlier attempt before a dump starts, and asked for enough free space first.
 */
public final class BackupDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(BackupDirectory.class);
    /** Room beyond the cluster's size: a dump's overhead and the manifest. */
    static final long SPACE_MARGIN = 64L << 20;

    private final Path path;
    private final ServerOwner owner;

    /**
     * @param path where backups go
     * @param owner the database OS user, owner of the directory
     */
    public BackupDirectory(Path path, ServerOwner owner) {
        this.path = path;
        this.owner = owner;
    }

    /** @return the directory */
    public Path path() {
        return path;
    }

    /** @param clusterBytes size of the databases to dump @return the space a dump of them needs here */
    public static long spaceNeeded(long clusterBytes) {
        return clusterBytes + SPACE_MARGIN;
    }

    /**
     * Creates the directory if needed, checks it, ends programs that a killed earlier attempt left
     * writing there, and removes their leftovers ({@code *.partial}, a file or a tree).
     */
    public void prepare() {
        OrphanReaper.endProgramsUsing(path);
        try {
            if (Files.isSymbolicLink(path)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + path
                        + " is a symbolic link; refused. Point DOGU_UPGRADE_BACKUP_DIR at a real directory.");
            }
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + path
                        + " is not writable: it is a file, not a directory. Move it away or set DOGU_UPGRADE_BACKUP_DIR.");
            }
            if (!Files.isDirectory(path)) {
                Files.createDirectories(path);
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
            }
            owner.chown(path);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(path, "*.partial")) {
                for (Path p : leftovers) {
                    LOG.info("removing {} left by an interrupted earlier backup", p);
                    BackupFiles.deleteTree(p); // a parallel backup's partial result is a directory
                }
            }
            Path probe = Files.createTempFile(path, ".write-test", ".partial");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + path
                    + " is not writable (" + e + "). Fix its permissions or set DOGU_UPGRADE_BACKUP_DIR.", e);
        }
    }

    /** @param clusterBytes size of the databases to dump; fails before anything is written if it cannot fit */
    public void requireSpace(long clusterBytes) {
        long needed = spaceNeeded(clusterBytes);
        long free;
        try {
            free = Files.getFileStore(path).getUsableSpace();
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot read free space of " + path + ": "
                    + e.getMessage(), e);
        }
        if (free < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "Not enough space for the backup in " + path
                    + ": about " + ProgressReporter.mib(needed) + " needed (cluster size plus margin), "
                    + ProgressReporter.mib(free) + " free. Free space and run pre-upgrade again; nothing was written.");
        }
        LOG.info("disk space check: {} needed, {} free in {}", ProgressReporter.mib(needed), ProgressReporter.mib(free),
                path);
    }

    /**
     * Removes every published backup whose name matches, manifest first, so a half-removed backup
     * never verifies.
     *
     * @param directory the backup directory
     * @param glob e.g. {@code cluster-*.sql}
     */
    public static void removePublished(Path directory, String glob) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> backups = Files.newDirectoryStream(directory, glob)) {
            for (Path b : backups) {
                Files.deleteIfExists(BackupManifest.pathFor(b));
                BackupFiles.deleteTree(b);
                LOG.info("removed the restored backup {} (keep it with --keep-backup)", b);
            }
        } catch (IOException e) {
            LOG.warn("could not remove restored backups in {}: {}", directory, e.getMessage());
        }
    }
}
