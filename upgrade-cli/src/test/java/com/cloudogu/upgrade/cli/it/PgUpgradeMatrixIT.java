package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import com.cloudogu.upgrade.testkit.install.PostgresInstallation;
import com.cloudogu.upgrade.testkit.volume.XfsVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_upgrade method across versions, builds, volume layouts and file systems, through the CLI
 * jar, each case ending with content identical by fingerprint. The dimensions are combined so that
 * three cases cover them (15 → 17 copy mode on ext4 per-major is {@link PgUpgradeMethodIT}):
 * <ul>
 *   <li>13 → 18 on Debian binaries, legacy layout (old PGDATA = the volume root, new PGDATA
 *       {@code <volume>/18/docker}): 13 is bullseye's build with its own glibc loader, which the copy
 *       must carry by name without writing anywhere outside the volume;
 *   <li>zonky 14 → Debian 17, per-major layout: an old image whose libraries (OpenSSL 1.1, ICU 60 in
 *       zonky's own {@code lib/}) the new image lacks, so the carried-over installation runs only with
 *       the soname overlay; also a major Debian does not ship;
 *   <li>15 → 17 on an XFS volume with reflink, per-major layout: {@code auto} picks clone and says why.
 * </ul>
 */
class PgUpgradeMatrixIT {

    private static final String NEW_PASSWORD = "n3w-matrix-secret";
    private static final Map<String, String> PG_UPGRADE = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade");
    /** The test-only pg_resetwal stand-in of the testkit's ZonkyOldSide (test code, never shipped). */
    private static final Path RESETWAL_STANDIN = Path.of(
            "../upgrade-testkit/src/test/resources/com/cloudogu/upgrade/testkit/install/pg_resetwal-standin.sh");

    @Test
    void thirteenFromBullseyeToEighteenInTheLegacyLayoutCarriesItsOwnLoader(@TempDir Path root) throws Exception {
        PostgresInstallation thirteen = DebianInstallations.get(13);
        assertThat(thirteen.manifest().get("suite")).as("the old side is bullseye's build").isEqualTo("bullseye");
        // bullseye's glibc loader, which the testkit's 13 runs with on bookworm; ldd prints it as "path => path"
        Path loader = Path.of(thirteen.manifest().get("loader"));
        String loaderSha = sha256(loader);
        PostgresBinaries oldImage = PostgresBinaries.of(thirteen);
        PostgresBinaries newImage = PostgresBinaries.of(DebianInstallations.get(18));
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            String log = upgrade(dogu, oldImage, newImage, carried -> {
                Properties manifest = new Properties();
                try (var in = Files.newInputStream(carried.resolve("installation.properties"))) {
                    manifest.load(in);
                }
                assertThat(manifest.getProperty("libraries").split(" ")).as("the old loader is carried over by name")
                        .contains(loader.getFileName().toString());
                assertThat(carried.resolve("deps").resolve(loader.getFileName().toString())).isRegularFile();
            });
            assertThat(log).contains("pg_upgrade mode copy").containsPattern("statistics carried over by pg_upgrade;"
                    + " \\d+ relation\\(s\\) without any analyzed in").doesNotContain("statistics refreshed in every");
            assertThat(dogu.pgdata(oldImage.version())).isEqualTo(dogu.volume());
            assertThat(dogu.pgdata(newImage.version())).isEqualTo(dogu.volume().resolve("18/docker"));
        }
        assertThat(sha256(loader)).as("pre-upgrade wrote nothing outside the volume (the old image's loader)")
                .isEqualTo(loaderSha);
    }

    @Test
    void zonkyFourteenToDebianSeventeenInThePerMajorLayoutRunsWithTheSonameOverlay(@TempDir Path root)
            throws Exception {
        PostgresBinaries newImage = PostgresBinaries.of(DebianInstallations.get(17));
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            PostgresBinaries oldImage = zonkyImage(PostgresBinaries.of("14.19.0"), root.resolve("image-14"));
            String log = upgrade(dogu, oldImage, newImage, carried -> { });
            // zonky's OpenSSL 1.1 and ICU 60 live in its own lib/, which is not carried over, and bookworm has
            // neither: the copy's deps/ supply them; libicudata only through libicuuc (a second ldd round)
            assertThat(log).contains("pg_upgrade mode copy", "statistics refreshed in every database").containsPattern(
                    "libraries missing in this image, taken from the old image's copy: .*libicuuc\\.so\\.60");
            assertThat(log).containsPattern("taken from the old image's copy: .*libicudata\\.so\\.60");
        }
    }

    @Test
    void autoPicksCloneOnAnXfsVolumeWithReflink(@TempDir Path temp) throws Exception {
        PostgresBinaries oldImage = PostgresBinaries.of(DebianInstallations.get(15));
        PostgresBinaries newImage = PostgresBinaries.of(DebianInstallations.get(17));
        // the server's OS user walks down to its data directory on the mounted volume
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (XfsVolume xfs = XfsVolume.create(temp.resolve("xfs"));
             EmbeddedDogu dogu = EmbeddedDogu.in(Files.createDirectory(xfs.mountPoint().resolve("dogu")),
                     EmbeddedDogu.Layout.PER_MAJOR)) {
            String log = upgrade(dogu, oldImage, newImage, carried -> { });
            assertThat(log).contains("pg_upgrade mode clone: the file system clones files");
        }
    }

    /**
     * pre-upgrade with the old image, post-upgrade and startup with the new one, all with the
     * pg_upgrade method in mode {@code auto}; then the content must be identical.
     *
     * @param afterPreUpgrade looks at the carried-over installation before post-upgrade
     * @return stderr of post-upgrade and startup
     */
    private static String upgrade(EmbeddedDogu dogu, PostgresBinaries oldImage, PostgresBinaries newImage,
                                  CarriedCheck afterPreUpgrade) throws Exception {
        String from = oldImage.major() + "." + oldImage.minor() + "-1";
        String to = newImage.major() + "." + newImage.minor() + "-1";
        ClusterFingerprint before = dogu.startWithSampleData(oldImage, NEW_PASSWORD);

        CliProcess.Result pre = dogu.cli(oldImage).start(PG_UPGRADE, "pre-upgrade", from, to).await(600).ok();
        String carried = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow();
        assertThat(Path.of(carried).getFileName().toString()).isEqualTo("pg-upgrade-" + from + ".d");
        assertThat(pre.stderr()).contains("old installation").doesNotContain("pg_dumpall");
        afterPreUpgrade.check(Path.of(carried));
        dogu.stopServer();
        assertThat(dogu.pgdata(newImage.version())).as("the new PGDATA does not exist before post-upgrade")
                .doesNotExist();

        CliProcess.Result post = dogu.cli(newImage).start(PG_UPGRADE, "post-upgrade", from, to).await(600).ok();
        CliProcess.Result startup = dogu.cli(newImage).start(PG_UPGRADE, "startup").await(900).ok();
        assertThat(startup.stderr()).contains("migration 01-restore finished");
        assertThat(pre.stderr() + post.stderr() + startup.stderr()).doesNotContain(NEW_PASSWORD);
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        assertThat(Path.of(carried)).doesNotExist();
        assertThat(Files.readString(dogu.pgdata(newImage.version()).resolve("PG_VERSION")).strip())
                .isEqualTo(Integer.toString(newImage.major()));
        assertThat(topLevel(dogu.volume())).as("the volume after the upgrade: the old cluster is gone\n"
                + dogu.volumeListing()).containsOnly("backup", Integer.toString(newImage.major()));

        try (PostgresServer upgraded = dogu.start(PostgresServer.builder(newImage).superuserPassword(NEW_PASSWORD),
                newImage.version())) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after pg_upgrade").isEmpty();
            assertThat(upgraded.queryValue(SampleData.SHOP_DATABASE, "SELECT count(*) FROM pg_stats"
                    + " WHERE schemaname = 'sales' AND tablename = 'customers'")).as("planner statistics, carried over"
                    + " (18) or refreshed").isNotEqualTo("0");
        }
        return post.stderr() + startup.stderr();
    }

    /**
     * TEST CODE ONLY, like the testkit's ZonkyOldSide: an old "image" from a zonky server of a major
     * Debian does not ship, complete enough for pg_upgrade's old side. A linked copy of zonky's
     * installation (its own {@code lib} and {@code share}, found by pre-upgrade from {@code bin/..}),
     * plus Debian 15's {@code pg_controldata} (pg_control version 1300 is shared by 13–16; a wrapper
     * answers {@code -V} with zonky's version, as the probe of the carried-over copy asks) and the
     * testkit's {@code pg_resetwal} stand-in with its version written into the script itself, so that
     * the copy pre-upgrade carries over the volume answers {@code -V} without its side file.
     */
    private static PostgresBinaries zonkyImage(PostgresBinaries zonky, Path directory) throws IOException {
        assertThat(RESETWAL_STANDIN).as("the testkit's pg_resetwal stand-in (run from upgrade-cli/)").isRegularFile();
        PostgresBinaries image = zonky.linkedCopy(directory);
        // Debian 15's pg_controldata reads a 14 cluster but calls itself 15: the probe wants the old major
        Path controldata = Files.writeString(image.bin().resolve("pg_controldata"), "#!/bin/sh\n"
                + "# TEST ONLY: Debian 15's pg_controldata answering -V as zonky's major (see PgUpgradeMatrixIT)\n"
                + "case \"${1:-}\" in -V|--version) echo 'pg_controldata (PostgreSQL) " + zonky.major() + "."
                + zonky.minor() + "'; exit 0 ;; esac\n"
                + "exec " + DebianInstallations.get(15).tool("pg_controldata") + " \"$@\"\n");
        Files.setPosixFilePermissions(controldata, PosixFilePermissions.fromString("rwxr-xr-x"));
        String standin = Files.readString(RESETWAL_STANDIN).replaceFirst("\nset -euo pipefail\n",
                "\nset -euo pipefail\nSTANDIN_VERSION=" + zonky.major() + "." + zonky.minor() + "\n");
        Path resetwal = Files.writeString(image.bin().resolve("pg_resetwal"), standin);
        Files.setPosixFilePermissions(resetwal, PosixFilePermissions.fromString("rwxr-xr-x"));
        return image;
    }

    /** A look at the installation pre-upgrade carried over the volume. */
    private interface CarriedCheck {
        void check(Path carried) throws IOException;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static java.util.List<String> topLevel(Path volume) throws IOException {
        try (Stream<Path> s = Files.list(volume)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
