package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest is what a restore trusts about its backup, so what is written must read back equal, and a
 * manifest that lost or garbled a field must be refused with the manifest's path and the field's name.
 */
class BackupManifestTest {

    private static final ClusterSettings LATIN1 = new ClusterSettings("LATIN1", "de_DE", "de_DE", true);

    @TempDir
    Path backupDir;

    @Test
    void aPlainManifestReadsBackEqualToWhatWasWritten() throws IOException {
        Path backup = backupDir.resolve("cluster-14.19-1.sql");
        BackupManifest written = new BackupManifest(1234, "ab".repeat(32), "14.19-1", "17.6-0", 141900, "15.18",
                LATIN1);

        written.write(BackupManifest.pathFor(backup));

        BackupManifest read = BackupManifest.readFor(backup);
        assertThat(read).isEqualTo(written);
        assertThat(read.format()).isEqualTo(BackupManifest.FORMAT_PLAIN);
        assertThat(read.oldCluster()).isEmpty();
    }

    @Test
    void aParallelManifestWithItsFilesAndTheOldClusterReadsBackEqual() throws IOException {
        Path backup = backupDir.resolve("cluster-14.19-1");
        BackupManifest written = new BackupManifest(300, "cd".repeat(32), "14.19-1", "17.6-0", 141900, "15.18",
                ClusterSettings.DEFAULT, BackupManifest.FORMAT_PARALLEL,
                List.of(new BackupManifest.FileEntry("db-0001/toc.dat", 100, "01".repeat(32)),
                        new BackupManifest.FileEntry("globals.sql", 200, "02".repeat(32))),
                5_000_000, Optional.of(new OldCluster(Path.of("/var/lib/postgresql"), "14", "postgres")));

        written.write(BackupManifest.pathFor(backup));

        BackupManifest read = BackupManifest.readFor(backup);
        assertThat(read).isEqualTo(written);
        assertThat(read.format()).isEqualTo(BackupManifest.FORMAT_PARALLEL);
    }

    @Test
    void aManifestWithoutFormatOrClusterSettingsIsAPlainBackupOfADefaultCluster() throws IOException {
        Path backup = backupDir.resolve("cluster.sql");
        Files.writeString(BackupManifest.pathFor(backup), "size=5\nsha256=ff\nfrom=14.19-1\nto=17.6-0\n");

        BackupManifest read = BackupManifest.readFor(backup);

        assertThat(read.format()).isEqualTo(BackupManifest.FORMAT_PLAIN);
        assertThat(read.cluster()).isEqualTo(ClusterSettings.DEFAULT);
        assertThat(read.sourceServerVersion()).isZero();
        assertThat(read.sourceClusterBytes()).isZero();
    }

    @Test
    void theManifestLiesNextToTheBackup() {
        assertThat(BackupManifest.pathFor(Path.of("/vol/backup/cluster-14.19-1.sql")))
                .isEqualTo(Path.of("/vol/backup/cluster-14.19-1.sql.manifest"));
    }

    @Test
    void aMissingManifestIsARestoreErrorNamingIt() {
        Path backup = backupDir.resolve("cluster.sql");

        UpgradeException e = catchThrowableOfType(() -> BackupManifest.readFor(backup), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).contains("The manifest " + BackupManifest.pathFor(backup), "missing or unreadable",
                "Nothing was changed", "Re-run pre-upgrade");
    }

    @ParameterizedTest(name = "without {0}")
    @ValueSource(strings = {"size", "sha256", "from", "to"})
    void aManifestMissingARequiredFieldIsRefusedNamingTheFileAndTheField(String field) throws IOException {
        Path backup = backupDir.resolve("cluster.sql");
        new BackupManifest(5, "ff", "14.19-1", "17.6-0", 141900, "15.18", LATIN1)
                .write(BackupManifest.pathFor(backup));
        dropLine(BackupManifest.pathFor(backup), field + "=");

        UpgradeException e = catchThrowableOfType(() -> BackupManifest.readFor(backup), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).contains(BackupManifest.pathFor(backup).toString(),
                "field '" + field + "' is missing");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"size, 12kB", "sourceServerVersion, fourteen", "sourceClusterBytes, -", "files, two"})
    void aGarbledNumberIsRefusedNamingTheFieldAndItsValue(String field, String value) throws IOException {
        Path backup = backupDir.resolve("cluster.sql");
        Files.writeString(BackupManifest.pathFor(backup), "size=5\nsha256=ff\nfrom=14.19-1\nto=17.6-0\n"
                + field + "=" + value + "\n");

        UpgradeException e = catchThrowableOfType(() -> BackupManifest.readFor(backup), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).contains(BackupManifest.pathFor(backup).toString(),
                "field '" + field + "' is not a number: '" + value + "'");
    }

    @Test
    void aFileLineThatIsNotSizeShaAndPathIsRefusedNamingIt() throws IOException {
        Path backup = backupDir.resolve("cluster");
        Files.writeString(BackupManifest.pathFor(backup), "format=parallel-1\nsize=5\nsha256=ff\nfrom=14.19-1\n"
                + "to=17.6-0\nfiles=2\nfile.0=5 ff globals.sql\nfile.1=5 ff\n");

        UpgradeException e = catchThrowableOfType(() -> BackupManifest.readFor(backup), UpgradeException.class);

        assertThat(e.getMessage()).contains("field 'file.1' is not 'size sha256 path'");
    }

    @Test
    void aFileListShorterThanItsCountIsRefusedNamingTheMissingLine() throws IOException {
        Path backup = backupDir.resolve("cluster");
        Files.writeString(BackupManifest.pathFor(backup), "format=parallel-1\nsize=5\nsha256=ff\nfrom=14.19-1\n"
                + "to=17.6-0\nfiles=2\nfile.0=5 ff globals.sql\n");

        UpgradeException e = catchThrowableOfType(() -> BackupManifest.readFor(backup), UpgradeException.class);

        assertThat(e.getMessage()).contains("field 'file.1' is missing");
    }

    @Test
    void anUnknownFormatIsReadAsItIsForTheFormatRegistryToName() throws IOException {
        Path backup = backupDir.resolve("cluster.sql");
        Files.writeString(BackupManifest.pathFor(backup), "format=zstd-9\nsize=5\nsha256=ff\nfrom=14.19-1\n"
                + "to=17.6-0\n");

        assertThat(BackupManifest.readFor(backup).format()).isEqualTo("zstd-9");
    }

    private static void dropLine(Path file, String prefix) throws IOException {
        List<String> kept = Files.readAllLines(file).stream().filter(l -> !l.startsWith(prefix)).toList();
        Files.write(file, kept);
    }
}
