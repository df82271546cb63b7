package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.PgUpgradeMode;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pg_upgrade method's parts end to end on real, complete Debian installations: an old 15
 * cluster with rows, its installation carried over a volume-like directory and probed, a new 17
 * cluster initialized like the old one, and pg_upgrade run with the carried-over programs.
 */
class PgUpgradeRunTest {

    /** Removed after each test with all it holds (the volumes hold clusters of hundreds of MB). */
    @TempDir
    Path tmp;

    /** @return {@code dir}, made enterable for the postgres user as the dogu's volume is */
    private static Path enterable(Path dir) throws java.io.IOException {
        return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static final String SUPERUSER = "postgres";
    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();
    private final ServerOwner owner = ServerOwner.of("postgres");

    private static PostgresInstallation installation(int major) {
        return PostgresInstallation.find(new Executables(DebianInstallations.get(major).bin() + ":/usr/bin:/bin"),
                ProcessRunner.forCurrentProcess());
    }

    @ParameterizedTest
    @EnumSource(value = PgUpgradeMode.class, names = {"COPY", "LINK"})
    void theNewClusterHoldsTheOldRowsAfterPgUpgradeWithTheCarriedOverPrograms(PgUpgradeMode mode) throws Exception {
        Volume v = volumeWithOldClusterAndCarriedOverInstallation(old -> old.execute(
                "CREATE TABLE orders AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 20000) g"));
        PgUpgradeRun run = new PgUpgradeRun(v.newInstall(), InstallationProbe.of(v.copy(), runner, owner), runner, owner);

        ProcessResult check = run.check(v.oldData(), v.newData(), mode, v.work(), SUPERUSER);
        assertThat(check.succeeded()).as(check.stdout()).isTrue();
        ProcessResult result = run.attempt(v.oldData(), v.newData(), mode, v.work(), SUPERUSER, 2);
        assertThat(result.succeeded()).as(result.stdout()).isTrue();

        try (TemporaryServer upgraded = TemporaryServer.start(v.newInstall(), new DataDirectory(v.newData()), owner,
                SUPERUSER, runner,
                Duration.ofMinutes(1)); Connection c = upgraded.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), md5(string_agg(note, ',' ORDER BY id)) FROM orders")) {
            assertThat(upgraded.majorVersion()).isEqualTo(17);
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(20000);
        }
    }

    @Test
    void cloneIsRefusedByTheCheckOnAFileSystemWithoutReflinksAndNothingIsTouched() throws Exception {
        Volume v = volumeWithOldClusterAndCarriedOverInstallation(old -> { });

        ProcessResult check = new PgUpgradeRun(v.newInstall(), InstallationProbe.of(v.copy(), runner, owner), runner,
                owner).check(v.oldData(), v.newData(), PgUpgradeMode.CLONE, v.work(), SUPERUSER);

        assertThat(check.succeeded()).isFalse();
        assertThat(PgUpgradeRefusal.of(check).reason()).containsIgnoringCase("clone");
        assertThat(v.oldData().resolve("global/pg_control")).isRegularFile();
    }

    @Test
    void aKilledOldClusterIsRecoveredWithTheCarriedOverServerBeforePgUpgrade() throws Exception {
        Path volume = volume();
        PostgresInstallation oldInstall = installation(15);
        DataDirectory oldData = new DataDirectory(volume.resolve("15/docker"));
        ClusterSettings settings = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false);
        new ClusterInitializer(oldInstall, runner, owner).initialize(oldData, settings, SUPERUSER, Optional.empty());
        TemporaryServer old = TemporaryServer.start(oldInstall, oldData, owner, SUPERUSER, runner, Duration.ofMinutes(1));
        try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept AS SELECT g FROM generate_series(1, 1000) g");
        }
        long postmaster = Long.parseLong(Files.readAllLines(oldData.path().resolve("postmaster.pid")).get(0).strip());
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        ProcessHandle.of(postmaster).ifPresent(p -> p.onExit().join());
        Path copy = volume.resolve(".pg-upgrade/old-15");
        Files.createDirectories(copy.getParent());
        new InstallationCopy(runner).copy(OldInstallation.of(oldInstall, runner), copy);
        OldClusterShutdown shutdown = new OldClusterShutdown(InstallationProbe.of(copy, runner, owner), runner, owner);
        assertThat(shutdown.state(oldData.path())).isEqualTo("in production");

        shutdown.ensureCleanlyShutDown(oldData.path(), volume.resolve(".pg-upgrade/recovery"));

        assertThat(shutdown.state(oldData.path())).isEqualTo(OldClusterShutdown.SHUT_DOWN);
        assertThat(oldData.path().resolve("postmaster.pid")).doesNotExist();
        try (TemporaryServer again = TemporaryServer.start(oldInstall, oldData, owner, SUPERUSER, runner,
                Duration.ofMinutes(1)); Connection c = again.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1000);
        }
    }

    /** What the old cluster holds before it is stopped. */
    private interface OldClusterContent {
        void fill(Statement old) throws Exception;
    }

    /** A volume with a stopped old 15 cluster, its installation carried over, and a fresh 17 cluster. */
    private record Volume(PostgresInstallation newInstall, Path oldData, Path newData, Path copy, Path work) {
    }

    private Volume volumeWithOldClusterAndCarriedOverInstallation(OldClusterContent content) throws Exception {
        Path volume = volume();
        PostgresInstallation oldInstall = installation(15);
        PostgresInstallation newInstall = installation(17);
        DataDirectory oldData = new DataDirectory(volume.resolve("15/docker"));
        ClusterSettings settings = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false);
        new ClusterInitializer(oldInstall, runner, owner).initialize(oldData, settings, SUPERUSER, Optional.empty());
        try (TemporaryServer old = TemporaryServer.start(oldInstall, oldData, owner, SUPERUSER, runner,
                Duration.ofMinutes(1)); Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
            content.fill(s);
        }
        Path copy = volume.resolve(".pg-upgrade/old-15");
        Files.createDirectories(copy.getParent());
        new InstallationCopy(runner).copy(OldInstallation.of(oldInstall, runner), copy);
        DataDirectory newData = new DataDirectory(volume.resolve("17/docker"));
        new ClusterInitializer(newInstall, runner, owner).initialize(newData, settings, SUPERUSER, Optional.empty());
        return new Volume(newInstall, oldData.path(), newData.path(), copy, volume.resolve(".pg-upgrade/work"));
    }

    /** A fresh directory the postgres user can enter, as the dogu's volume is. */
    private Path volume() throws Exception {
        Path v = Files.createTempDirectory(enterable(tmp), "pgupgrade-volume", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        return v;
    }
}
