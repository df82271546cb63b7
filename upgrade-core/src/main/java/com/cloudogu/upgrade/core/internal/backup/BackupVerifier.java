package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.BackupStrategy;
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
 * (no symlinks), exists, and has the size and SHA-256 its manifest recorded. A parallel backup (a
 * directory) must hold exactly the files its manifest lists, each with its recorded size and SHA-256.
 */
public final class BackupVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(BackupVerifier.class);

    private final Path backupDirectory;

    /** @param backupDirectory the only directory backups may live in */
    public BackupVerifier(Path backupDirectory) {
        this.backupDirectory = backupDirectory;
    }

    /**
     * @param recordedPath the value of {@code migration_backup_path}
     * @return the backup's manifest
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} naming the problem
     */
    public BackupManifest verify(String recordedPath) {
        long t0 = System.nanoTime();
        Path backup = Path.of(recordedPath);
        String keep = " Nothing was changed; the old data is untouched.";
        try {
            Path dir = backupDirectory.toRealPath();
            if (!backup.isAbsolute() || !backup.normalize().equals(backup)
                    || !dir.equals(backup.getParent() == null ? null : backup.getParent().toRealPath())
                    || Files.isSymbolicLink(backup)) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "migration_backup_path '" + recordedPath
                        + "' is not a file directly inside the backup directory " + dir
                        + " (symbolic links are refused)." + keep);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + recordedPath + " or the backup directory "
                    + backupDirectory + " does not exist (" + e.getMessage() + ")." + keep, e);
        }
        if (Files.isDirectory(backup, LinkOption.NOFOLLOW_LINKS)) {
            BackupManifest manifest = BackupManifest.readFor(backup);
            if (manifest.strategy() != BackupStrategy.PARALLEL) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " is a directory but its"
                        + " manifest records format " + manifest.format() + " (altered)." + keep);
            }
            FileDigests.verify(backup, manifest, Runtime.getRuntime().availableProcessors());
            LOG.info("backup {} verified ({} files, {} bytes, sha256 of the file list {}) in {} ms", backup,
                    manifest.files().size(), manifest.size(), manifest.sha256(), (System.nanoTime() - t0) / 1_000_000);
            return manifest;
        }
        if (!Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " named by migration_backup_path"
                    + " does not exist." + keep + " Restore it from elsewhere, or re-run pre-upgrade on the old version.");
        }
        BackupManifest manifest = BackupManifest.readFor(backup);
        if (manifest.strategy() != BackupStrategy.PLAIN) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " is a file but its manifest"
                    + " records format " + manifest.format() + " (altered)." + keep);
        }
        try {
            long size = Files.size(backup);
            if (size != manifest.size()) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " has " + size
                        + " bytes but " + manifest.size() + " were written (truncated or altered)." + keep);
            }
            String sha = Checksums.sha256(backup);
            if (!sha.equals(manifest.sha256())) {
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + backup + " has SHA-256 " + sha
                        + " but " + manifest.sha256() + " was recorded (corrupted or altered)." + keep);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read the backup " + backup + ": "
                    + e.getMessage() + "." + keep, e);
        }
        LOG.info("backup {} verified ({} bytes, sha256 {}) in {} ms", backup, manifest.size(), manifest.sha256(),
                (System.nanoTime() - t0) / 1_000_000);
        return manifest;
    }
}
