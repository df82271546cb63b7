package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks before a restore that the volume of PGDATA can take the new cluster. A restored cluster
 * is bigger than its SQL dump (indexes are rebuilt, the catalog of a fresh cluster comes first), so
 * the estimate is twice the dump plus 64 MiB for the fresh cluster — generous on purpose: failing
 * before anything happens is cheap, running out of space half way is not.
 */
public final class RestoreSpace {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreSpace.class);
    private static final long FRESH_CLUSTER = 64L << 20;

    private RestoreSpace() {
    }

    /**
     * Usable bytes on the file system a path lies on. A seam: the decisions below are tested with
     * made-up numbers instead of a full disk.
     */
    @FunctionalInterface
    interface FreeSpace {
        /** The file system's own figure, as the restore will meet it. */
        FreeSpace FILE_STORE = p -> Files.getFileStore(p).getUsableSpace();

        /** @param path an existing path @return bytes this process can still write there */
        long usableBytes(Path path) throws IOException;
    }

    /** A partial restore target is wiped before the next attempt: its space counts as free. */
    private static long reclaimable(Path dataDirectory) throws IOException {
        if (!Files.isRegularFile(dataDirectory.resolve(com.cloudogu.upgrade.core.internal.server.DataDirectory.RESTORE_TARGET_MARKER))) {
            return 0;
        }
        try (var files = Files.walk(dataDirectory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** @param backupBytes size of the dump @return bytes the restore is expected to need */
    public static long estimate(long backupBytes) {
        return 2 * backupBytes + FRESH_CLUSTER;
    }

    /**
     * @param dataDirectory PGDATA (or, if missing, the directory it will be created in)
     * @param backupBytes size of the dump
     */
    public static void require(Path dataDirectory, long backupBytes) {
        require(dataDirectory, backupBytes, FreeSpace.FILE_STORE);
    }

    static void require(Path dataDirectory, long backupBytes, FreeSpace space) {
        long needed = estimate(backupBytes);
        Path probe = Files.exists(dataDirectory) ? dataDirectory : dataDirectory.toAbsolutePath().getParent();
        long free;
        try {
            free = space.usableBytes(probe) + reclaimable(dataDirectory);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot read the free space of " + probe + ": "
                    + e.getMessage(), e);
        }
        if (free < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "Not enough space to restore into " + dataDirectory
                    + ": about " + ProgressReporter.mib(needed) + " needed (twice the " + ProgressReporter.mib(backupBytes)
                    + " dump plus a fresh cluster), " + ProgressReporter.mib(free) + " free. Free space on that volume,"
                    + " then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort'); the old cluster and the backup"
                    + " are untouched.");
        }
        LOG.info("restore space check: {} needed, {} free in {}", ProgressReporter.mib(needed), ProgressReporter.mib(free),
                probe);
    }

    /**
     * Checks in the old container, right after the backup was written, that the new container will
     * have room to restore it: the new PGDATA lies on the same volume as the old cluster and the
     * backup, which both stay until the restore succeeded. The same estimate as startup's, taken
     * before the image switch, when refusing still costs nothing.
     *
     * @param volumePath a path on the volume the new PGDATA will be on (the old PGDATA)
     * @param backupBytes size of the backup just written
     * @throws UpgradeException ({@link ErrorCode#INSUFFICIENT_SPACE}) if it would not fit
     */
    public static void requireBeforeSwitch(Path volumePath, long backupBytes) {
        requireBeforeSwitch(volumePath, backupBytes, FreeSpace.FILE_STORE);
    }

    static void requireBeforeSwitch(Path volumePath, long backupBytes, FreeSpace space) {
        long needed = estimate(backupBytes);
        long free;
        try {
            free = space.usableBytes(volumePath);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot read the free space of " + volumePath + ": "
                    + e.getMessage(), e);
        }
        if (free < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The new container could not restore the backup:"
                    + " about " + ProgressReporter.mib(needed) + " are needed on the volume of " + volumePath
                    + " (twice the " + ProgressReporter.mib(backupBytes) + " backup plus a fresh cluster, next to the"
                    + " old cluster and the backup), " + ProgressReporter.mib(free) + " are free. Grow the volume or"
                    + " free space and run pre-upgrade again; nothing was recorded and the old cluster is untouched.");
        }
        LOG.info("restore space in the new container: {} needed, {} free on the volume of {}",
                ProgressReporter.mib(needed), ProgressReporter.mib(free), volumePath);
    }
}
