package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carrying a real, complete PostgreSQL installation (Debian's, from the testkit) over a volume-like
 * directory and probing it as the new image would.
 */
class InstallationCopyTest {

    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();

    @TempDir
    Path volume;

    private OldInstallation debian15() {
        Path bin = DebianInstallations.get(15).bin();
        return OldInstallation.of(PostgresInstallation.find(new Executables(bin + ":/usr/bin:/bin"), runner), runner);
    }

    @Test
    void theCopyHoldsTheProgramsLibrariesAndShareDirectoryAndRunsFromTheVolume() throws Exception {
        OldInstallation old = debian15();
        Path target = volume.resolve(".pg-upgrade/old-15");
        Files.createDirectories(target.getParent());

        Properties manifest = new InstallationCopy(runner).copy(old, target);

        assertThat(target.resolveSibling("old-15.partial")).doesNotExist();
        assertThat(manifest.getProperty("major")).isEqualTo("15");
        assertThat(manifest.getProperty("libraries")).contains("libc.so.6");
        assertThat(manifest.getProperty("librariesNotFound")).isEmpty();
        Path bin = target.resolve("root" + old.bin());
        assertThat(bin.resolve("postgres")).isExecutable();
        assertThat(bin.resolve("pg_resetwal")).isExecutable();
        assertThat(target.resolve("root" + old.pkglib()).resolve("plpgsql.so")).isRegularFile();
        assertThat(target.resolve("root" + old.share()).resolve("postgres.bki")).isRegularFile();
        assertThat(target.resolve("root" + old.pkglib()).resolve("bitcode")).doesNotExist();
        try (Stream<Path> all = Files.walk(target)) {
            assertThat(all.filter(p -> !Files.isSymbolicLink(p)).toList()).allSatisfy(p ->
                    assertThat(Files.getPosixFilePermissions(p)).as(p.toString())
                            .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
        }

        InstallationProbe probe = InstallationProbe.of(target, runner, com.cloudogu.upgrade.core.internal.server.ServerOwner.of("postgres"));
        assertThat(probe.major()).isEqualTo(15);
        assertThat(probe.overlay()).isEmpty();
        assertThat(probe.bin()).isEqualTo(bin);
    }

    @Test
    void aSecondRunFindsTheCompleteCopyAndAPartialOneIsStartedAgain() throws Exception {
        OldInstallation old = debian15();
        Path target = volume.resolve(".pg-upgrade/old-15");
        Path partial = target.resolveSibling("old-15.partial");
        Files.createDirectories(partial.resolve("root/leftover"));

        new InstallationCopy(runner).copy(old, target);
        assertThat(partial).doesNotExist();
        assertThat(target.resolve("root/leftover")).doesNotExist();
        long before = Files.getLastModifiedTime(target.resolve(InstallationCopy.MANIFEST)).toMillis();

        new InstallationCopy(runner).copy(old, target);
        assertThat(Files.getLastModifiedTime(target.resolve(InstallationCopy.MANIFEST)).toMillis()).isEqualTo(before);
    }

    @Test
    void aChangedFileInTheCopyIsRefusedBeforeAnythingRuns() throws Exception {
        OldInstallation old = debian15();
        Path target = volume.resolve(".pg-upgrade/old-15");
        Files.createDirectories(target.getParent());
        new InstallationCopy(runner).copy(old, target);
        Path share = target.resolve("root" + old.share()).resolve("postgres.bki");
        share.toFile().setWritable(true);
        Files.writeString(share, "tampered");

        assertThatThrownBy(() -> InstallationProbe.of(target, runner, com.cloudogu.upgrade.core.internal.server.ServerOwner.of("postgres")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SERVER);
                    assertThat(e.getMessage()).contains(share.toString(), "differs from the manifest",
                            "fall back to dump and restore");
                });
    }
}
