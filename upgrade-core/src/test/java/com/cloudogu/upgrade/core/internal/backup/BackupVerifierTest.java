package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is restored from a backup that is not exactly what pre-upgrade wrote: every refusal here is
 * {@code DU-RESTORE}, names the backup and says that nothing was changed.
 */
class BackupVerifierTest {

    private static final String DUMP = "--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE app;\n"
            + "--\n-- PostgreSQL database cluster dump complete\n--\n";

    @TempDir
    Path volume;

    private Path backupDir;
    private BackupVerifier verifier;

    @BeforeEach
    void backupDirectory() throws IOException {
        backupDir = Files.createDirectories(volume.resolve("backup"));
        verifier = new BackupVerifier(backupDir);
    }

    @Test
    void aPlainBackupWithItsRecordedSizeAndShaIsVerifiedAndItsManifestReturned() throws IOException {
        Path backup = plainBackup("cluster-14.19-1.sql", DUMP);

        BackupManifest m = verify(verifier, backup.toString());

        assertThat(m.size()).isEqualTo(DUMP.length());
        assertThat(m.from()).isEqualTo("14.19-1");
    }

    @Test
    void aTruncatedBackupIsRefusedWithBothSizes() throws IOException {
        Path backup = plainBackup("cluster.sql", DUMP);
        Files.writeString(backup, DUMP.substring(0, 20));

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("The backup " + backup + " has 20 bytes but " + DUMP.length()
                + " were written (truncated or altered)", "Nothing was changed");
    }

    @Test
    void aBackupOfTheRightSizeButOtherContentIsRefusedByItsSha() throws IOException {
        Path backup = plainBackup("cluster.sql", DUMP);
        Files.writeString(backup, DUMP.replace("app", "APP"));

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("has SHA-256 " + Checksums.sha256(backup) + " but "
                + sha(DUMP) + " was recorded (corrupted or altered)");
    }

    @Test
    void aMissingBackupIsRefusedBeforeItsManifestIsRead() {
        Path backup = backupDir.resolve("cluster.sql");

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("The backup " + backup + " named by migration_backup_path does not exist",
                "Nothing was changed", "re-run pre-upgrade");
    }

    @Test
    void aMissingBackupDirectoryIsRefusedNamingIt() throws IOException {
        Path backup = plainBackup("cluster.sql", DUMP);
        BackupVerifier elsewhere = new BackupVerifier(volume.resolve("no-such-backup-dir"));

        UpgradeException e = catchThrowableOfType(() -> verify(elsewhere, backup.toString()), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).contains("or the backup directory " + volume.resolve("no-such-backup-dir")
                + " does not exist");
    }

    @Test
    void aBackupWithoutManifestIsRefusedNamingTheManifest() throws IOException {
        Path backup = Files.writeString(backupDir.resolve("cluster.sql"), DUMP);

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("The manifest " + BackupManifest.pathFor(backup), "missing or unreadable");
    }

    @Test
    void aBackupOutsideTheBackupDirectoryIsRefused() throws IOException {
        Path elsewhere = Files.createDirectories(volume.resolve("elsewhere"));
        Path backup = Files.writeString(elsewhere.resolve("cluster.sql"), DUMP);

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("is not a file directly inside the backup directory");
    }

    @Test
    void aPathWithDotDotIsRefusedEvenIfItLeadsIntoTheBackupDirectory() throws IOException {
        plainBackup("cluster.sql", DUMP);
        String sneaky = backupDir.resolve("../backup/cluster.sql").toString();

        UpgradeException e = catchThrowableOfType(() -> verify(verifier, sneaky), UpgradeException.class);

        assertThat(e.getMessage()).contains("is not a file directly inside the backup directory");
    }

    @Test
    void aSymbolicLinkInTheBackupDirectoryIsRefused() throws IOException {
        Path real = plainBackup("cluster.sql", DUMP);
        Path link = Files.createSymbolicLink(backupDir.resolve("link.sql"), real);

        UpgradeException e = refusal(link);

        assertThat(e.getMessage()).contains("symbolic links are refused");
    }

    @Test
    void aFileWhoseManifestSaysDirectoryBackupIsRefusedAsAltered() throws IOException {
        Path backup = Files.writeString(backupDir.resolve("cluster"), DUMP);
        parallelManifest(backup, List.of(new BackupManifest.FileEntry("globals.sql", 1, sha("x"))));

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("is a file but its manifest records format parallel-1 (altered)");
    }

    @Test
    void aDirectoryBackupWithExactlyItsListedFilesIsVerified() throws IOException {
        Path backup = parallelBackup();

        BackupManifest m = verify(verifier, backup.toString());

        assertThat(m.files()).extracting(BackupManifest.FileEntry::path).containsExactly("databases.properties",
                "db-0001/toc.dat", "globals.sql");
    }

    @Test
    void aDirectoryBackupLackingAFileIsRefusedNamingIt() throws IOException {
        Path backup = parallelBackup();
        Files.delete(backup.resolve("db-0001/toc.dat"));

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("lacks its file db-0001/toc.dat");
    }

    @Test
    void aDirectoryBackupWithAFileTheBackupDidNotWriteIsRefused() throws IOException {
        Path backup = parallelBackup();
        Files.writeString(backup.resolve("db-0001/extra.dat"), "x");

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("holds a file db-0001/extra.dat that was not written by the backup");
    }

    @Test
    void aDirectoryBackupWithAnAlteredFileIsRefusedByThatFilesSha() throws IOException {
        Path backup = parallelBackup();
        Files.writeString(backup.resolve("globals.sql"), "CREATE ROLE APP;\n");

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("The backup file " + backup.resolve("globals.sql") + " has SHA-256");
    }

    @Test
    void aDirectoryBackupWhoseFileListWasEditedIsRefused() throws IOException {
        Path backup = parallelBackup();
        BackupManifest m = BackupManifest.readFor(backup);
        new BackupManifest(m.size(), sha("another list"), m.from(), m.to(), m.sourceServerVersion(),
                m.dumpToolVersion(), m.cluster(), m.format(), m.files(), 0, Optional.empty())
                .write(BackupManifest.pathFor(backup));

        UpgradeException e = refusal(backup);

        assertThat(e.getMessage()).contains("lists files whose digest differs from the recorded");
    }

    private UpgradeException refusal(Path backup) {
        UpgradeException e = catchThrowableOfType(() -> verify(verifier, backup.toString()), UpgradeException.class);
        assertThat(e).as("verifying %s", backup).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        return e;
    }

    private Path plainBackup(String name, String content) throws IOException {
        Path backup = Files.writeString(backupDir.resolve(name), content);
        new BackupManifest(content.length(), sha(content), "14.19-1", "17.6-0", 141900, "15.18",
                ClusterSettings.DEFAULT).write(BackupManifest.pathFor(backup));
        return backup;
    }

    private Path parallelBackup() throws IOException {
        Path backup = Files.createDirectories(backupDir.resolve("cluster-14.19-1"));
        Files.createDirectories(backup.resolve("db-0001"));
        Files.writeString(backup.resolve("globals.sql"), "CREATE ROLE app;\n");
        Files.writeString(backup.resolve("db-0001/toc.dat"), "toc");
        DatabaseList.of(List.of("app")).write(backup.resolve(DatabaseList.FILE));
        parallelManifest(backup, FileDigests.measure(backup, List.of("databases.properties", "db-0001/toc.dat",
                "globals.sql"), 2, false));
        return backup;
    }

    private static void parallelManifest(Path backup, List<BackupManifest.FileEntry> files) throws IOException {
        long size = files.stream().mapToLong(BackupManifest.FileEntry::size).sum();
        new BackupManifest(size, FileDigests.listDigest(files), "14.19-1", "17.6-0", 141900, "15.18",
                ClusterSettings.DEFAULT, BackupManifest.FORMAT_PARALLEL, files, 0, Optional.empty())
                .write(BackupManifest.pathFor(backup));
    }

    private static String sha(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Locates and verifies as the backup formats do: a file by its SHA-256, a directory file by file. */
    private static BackupManifest verify(BackupVerifier verifier, String recorded) {
        BackupManifest manifest = verifier.locate(recorded);
        if (BackupManifest.FORMAT_PARALLEL.equals(manifest.format())) {
            BackupVerifier.verifyDirectory(Path.of(recorded), manifest, 2);
        } else {
            BackupVerifier.verifyFile(Path.of(recorded), manifest);
        }
        return manifest;
    }
}
