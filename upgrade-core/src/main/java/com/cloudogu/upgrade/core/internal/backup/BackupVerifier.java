package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a backup before anything is changed on its behalf: it lies inside the backup directory
 * (no symlinks), exists and has a readable manifest ({@link #locate}); then, as its format says, a
 * file has the size and SHA-256 its manifest recorded ({@link #verifyFile}), and a directory holds
 * exactly the files its manifest lists, each with its recorded size and SHA-256 ({@link #verifyDirectory}).
 */
public final class BackupVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(BackupVerifier.class);
    private static final String KEEP = " Nothing was changed; the old data is untouched.";

    private final Path backupDirectory;

    /** @param backupDirectory the only directory backups may live in */
    public BackupVerifier(Path backupDirectory) {
        this.backupDirectory = backupDirectory;
    }

    /**
     * @param recordedPath the value of {@code migration_backup_path}
     * @return the backup's manifest, not yet checked against the backup
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} naming the problem
     */
    public BackupManifest locate(String recordedPath) {
        Path backup = Path.of(recordedPath);
        try {
            Path dir = backupDirectory.toRealPath();
            if (!backup.isAbsolute() || !backup.normalize().equals(backup)
                    || !dir.equals(backup.getParent() == null ? null : backup.getParent().toRealPath())
                    || Files.isSymbolicLink(backup)) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "migration_backup_path '" + recordedPath
                        + "' is not a file directly inside the backup directory " + dir
                        + " (symbolic links are refused)." + KEEP);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + recordedPath + " or the backup directory "
                    + backupDirectory + " does not exist (" + e.getMessage() + ")." + KEEP, e);
        }
        if (!Files.isDirectory(backup, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " named by migration_backup_path"
                    + " does not exist." + KEEP + " Restore it from elsewhere, or re-run pre-upgrade on the old version.");
        }
        return BackupManifest.readFor(backup);
    }

    /**
     * @param backup a backup of one file (a {@code pg_dumpall} script)
     * @param manifest its manifest
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} if it is a directory, or its size or SHA-256 differ
     */
    public static void verifyFile(Path backup, BackupManifest manifest) {
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " is a directory but its"
                    + " manifest records format " + manifest.format() + " (altered)." + KEEP);
        }
        try {
            long size = Files.size(backup);
            if (size != manifest.size()) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " has " + size
                        + " bytes but " + manifest.size() + " were written (truncated or altered)." + KEEP);
            }
            String sha = Checksums.sha256(backup);
            if (!sha.equals(manifest.sha256())) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " has SHA-256 " + sha
                        + " but " + manifest.sha256() + " was recorded (corrupted or altered)." + KEEP);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read the backup " + backup + ": "
                    + e.getMessage() + "." + KEEP, e);
        }
        LOG.info("backup {} verified ({} bytes, sha256 {}) in {} ms", backup, manifest.size(), manifest.sha256(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * @param backup a backup of several files (a directory)
     * @param manifest its manifest, listing every file
     * @param threads how many files to hash at once
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} if it is a file, or a file is missing,
     *     extra, or differs in size or SHA-256
     */
    public static void verifyDirectory(Path backup, BackupManifest manifest, int threads) {
        long t0 = System.nanoTime();
        if (!Files.isDirectory(backup, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " is a file but its manifest"
                    + " records format " + manifest.format() + " (altered)." + KEEP);
        }
        FileDigests.verify(backup, manifest, threads);
        LOG.info("backup {} verified ({} files, {} bytes, sha256 of the file list {}) in {} ms", backup,
                manifest.files().size(), manifest.size(), manifest.sha256(), (System.nanoTime() - t0) / 1_000_000);
    }
}
