package com.cloudogu.upgrade.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format is chosen once: by the setting when a backup is written, by what the manifest records for
 * everything after — whatever the setting says by then.
 */
class BackupFormatsTest {

    @TempDir
    Path dir;

    private BackupFormats formats() {
        return new BackupFormats(new FormatTools(dir, null, null, new ServerOwner("postgres", false),
                new EventDispatcher(), 1, () -> null, com.cloudogu.upgrade.core.PgUpgradeMode.AUTO,
                com.cloudogu.upgrade.core.PgUpgradeRollback.DUMP, java.util.Optional::empty));
    }

    @Test
    void theSettingChoosesTheFormatThatWritesTheBackup() {
        assertThat(formats().forStrategy(BackupStrategy.PLAIN).manifestFormat()).isEqualTo(BackupManifest.FORMAT_PLAIN);
        assertThat(formats().forStrategy(BackupStrategy.PARALLEL).manifestFormat())
                .isEqualTo(BackupManifest.FORMAT_PARALLEL);
    }

    @Test
    void theManifestChoosesTheFormatThatVerifiesAndRestoresIt() throws IOException {
        assertThat(formats().forManifest(written("cluster-14.19-1.sql", BackupManifest.FORMAT_PLAIN)))
                .isInstanceOf(PlainFormat.class);
        assertThat(formats().forManifest(written("cluster-14.19-1.d", BackupManifest.FORMAT_PARALLEL)))
                .isInstanceOf(ParallelFormat.class);
    }

    @Test
    void aManifestWithoutAFormatIsPlainAsBeforeFormatsExisted() throws IOException {
        Path backup = dir.resolve("cluster-12.22-1.sql");
        Files.writeString(BackupManifest.pathFor(backup), "size=4\nsha256=x\nfrom=12.22-1\nto=14.19-1\n");

        assertThat(formats().forManifest(BackupManifest.readFor(backup))).isInstanceOf(PlainFormat.class);
    }

    @Test
    void anUnknownFormatIsRefusedBeforeAnythingChanges() {
        BackupManifest manifest = manifest("zstd-9");

        UpgradeException e = catchThrowableOfType(() -> formats().forManifest(manifest), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).isEqualTo("The backup manifest has format 'zstd-9', which this dogu-upgrade"
                + " does not know (it knows 1, parallel-1, pg-upgrade-1); it was probably written by a newer version."
                + " Nothing was changed.");
    }

    @Test
    void thePgUpgradeMethodChoosesTheCarriedOverInstallationWhateverTheBackupStrategy() {
        for (BackupStrategy strategy : BackupStrategy.values()) {
            assertThat(formats().forDump(com.cloudogu.upgrade.core.UpgradeMethod.PG_UPGRADE, strategy).manifestFormat())
                    .isEqualTo("pg-upgrade-1");
            assertThat(formats().forDump(com.cloudogu.upgrade.core.UpgradeMethod.DUMP, strategy).manifestFormat())
                    .isEqualTo(strategy.manifestFormat());
        }
    }

    @Test
    void aFormatRefusesABackupOfTheOtherShape() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("cluster-14.19-1.sql"));
        Path file = Files.writeString(dir.resolve("cluster-14.19-1.d"), "x");

        assertThat(catchThrowableOfType(() -> formats().forStrategy(BackupStrategy.PLAIN).verify(directory,
                manifest(BackupManifest.FORMAT_PLAIN)), UpgradeException.class))
                .hasMessageContaining("is a directory but its manifest records format 1 (altered)");
        assertThat(catchThrowableOfType(() -> formats().forStrategy(BackupStrategy.PARALLEL).verify(file,
                manifest(BackupManifest.FORMAT_PARALLEL)), UpgradeException.class))
                .hasMessageContaining("is a file but its manifest records format parallel-1 (altered)");
    }

    @Test
    void leftoversOfEveryFormatAreRemovedManifestsFirstAndNothingElse() throws IOException {
        written("cluster-14.19-1.sql", BackupManifest.FORMAT_PLAIN);
        Files.writeString(dir.resolve("cluster-14.19-1.sql"), "dump");
        written("cluster-13.20-1.d", BackupManifest.FORMAT_PARALLEL);
        Files.writeString(Files.createDirectories(dir.resolve("cluster-13.20-1.d/db-1")).resolve("toc.dat"), "x");
        Files.writeString(dir.resolve("dogu-upgrade-disposal.properties"), "journal");
        Files.writeString(dir.resolve("notes.txt"), "mine");

        formats().removeLeftovers(dir);

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("dogu-upgrade-disposal.properties", "notes.txt");
        }
    }

    private BackupManifest written(String name, String format) throws IOException {
        manifest(format).write(BackupManifest.pathFor(dir.resolve(name)));
        return BackupManifest.readFor(dir.resolve(name));
    }

    private static BackupManifest manifest(String format) {
        return new BackupManifest(4, "sha", "14.19-1", "17.6-0", 141900, "17.6", ClusterSettings.DEFAULT, format,
                List.of(), 0, Optional.empty());
    }
}
