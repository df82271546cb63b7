package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationCopy;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationProbe;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldInstallation;
import com.cloudogu.upgrade.core.internal.pgupgrade.PgUpgradeRun;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings pre-upgrade records are read off a real server and reproduce it: an old 15 cluster
 * with the ICU provider and 32 MiB WAL segments, recorded with the statement pre-upgrade runs, gives
 * a new 17 cluster that reports the same settings — and that pg_upgrade accepts as a pair (it refuses
 * another WAL segment size or locale provider).
 */
class RecordedClusterSettingsTest {

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

    @Test
    void anIcuClusterWithLargerWalSegmentsIsReproducedAndPgUpgradeAcceptsThePair() throws Exception {
        Path volume = Files.createTempDirectory(enterable(tmp), "settings-volume", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        PostgresInstallation oldInstall = installation(15);
        PostgresInstallation newInstall = installation(17);
        ClusterSettings unusual = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", true, 32L << 20, "icu", "de-DE");
        DataDirectory oldData = new DataDirectory(volume.resolve("15/docker"));
        new ClusterInitializer(oldInstall, runner, owner).initialize(oldData, unusual, SUPERUSER, Optional.empty());
        ClusterSettings recorded;
        try (TemporaryServer old = start(oldInstall, oldData)) {
            recorded = facts(old).settings();
        }
        assertThat(recorded).as("read off the old server").isEqualTo(unusual);

        DataDirectory newData = new DataDirectory(volume.resolve("17/docker"));
        new ClusterInitializer(newInstall, runner, owner).initialize(newData, recorded, SUPERUSER, Optional.empty());
        try (TemporaryServer fresh = start(newInstall, newData)) {
            assertThat(facts(fresh).settings()).as("the new cluster").isEqualTo(unusual);
        }

        Path copy = volume.resolve("backup/pg-upgrade-15.d");
        Files.createDirectories(copy.getParent());
        new InstallationCopy(runner).copy(OldInstallation.of(oldInstall, runner), copy);
        ProcessResult check = new PgUpgradeRun(newInstall, InstallationProbe.of(copy, runner, owner), runner, owner)
                .check(oldData.path(), newData.path(), PgUpgradeMode.COPY, volume.resolve("backup/work"), SUPERUSER);
        assertThat(check.succeeded()).as(check.stdout()).isTrue();
    }

    private static PostgresInstallation installation(int major) {
        return PostgresInstallation.find(new Executables(DebianInstallations.get(major).bin() + ":/usr/bin:/bin"),
                ProcessRunner.forCurrentProcess());
    }

    private TemporaryServer start(PostgresInstallation installation, DataDirectory data) {
        return TemporaryServer.start(installation, data, owner, SUPERUSER, runner, Duration.ofMinutes(1));
    }

    /** The row pre-upgrade's psql reads, through JDBC, parsed as pre-upgrade parses it. */
    private static RunningCluster.Facts facts(TemporaryServer server) throws Exception {
        try (Connection c = server.connect("template1"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(RunningCluster.FACTS_SQL)) {
            rs.next();
            List<String> fields = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                fields.add(rs.getString(i));
            }
            return RunningCluster.parse(String.join("|", fields));
        }
    }
}
