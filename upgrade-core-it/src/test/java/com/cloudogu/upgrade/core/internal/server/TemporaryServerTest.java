package com.cloudogu.upgrade.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared temporary server (pg_upgrade's restore) on a real 17 cluster: nothing runs until it is
 * asked to, {@code restartWith} then runs its work on the stopped cluster and starts with the new
 * settings, and closing a server that never ran leaves nothing behind.
 */
class TemporaryServerTest {

    private static final String SUPERUSER = "postgres";
    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();
    private final ServerOwner owner = ServerOwner.of("postgres");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path dir;

    private DataDirectory cluster(PostgresInstallation installation) throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        DataDirectory data = new DataDirectory(dir.resolve("17/docker"));
        new ClusterInitializer(installation, runner, owner).initialize(data,
                new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false), SUPERUSER, Optional.empty());
        return data;
    }

    private static PostgresInstallation installation() {
        return PostgresInstallation.find(new Executables(DebianInstallations.get(17).bin() + ":/usr/bin:/bin"),
                ProcessRunner.forCurrentProcess());
    }

    @Test
    void aPreparedServerRunsTheWorkOnTheStoppedClusterThenStartsWithTheNewSettings() throws Exception {
        PostgresInstallation installation = installation();
        DataDirectory data = cluster(installation);
        AtomicBoolean stoppedDuringWork = new AtomicBoolean();

        try (TemporaryServer server = TemporaryServer.prepare(installation, data, owner, SUPERUSER, runner,
                Duration.ofMinutes(1), Map.of("fsync", "off"))) {
            assertThat(data.path().resolve("postmaster.pid")).as("prepared, not started").doesNotExist();
            assertThat(catchThrowable(() -> server.connect("postgres").close())).isInstanceOf(SQLException.class);

            server.restartWith(Map.of(), () -> stoppedDuringWork.set(!Files.exists(data.path().resolve("postmaster.pid"))));

            assertThat(stoppedDuringWork).isTrue();
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW fsync")) {
                rs.next();
                assertThat(rs.getString(1)).as("the cluster's own settings, not the prepared ones").isEqualTo("on");
            }
            server.ensureRunning(); // running: nothing changes
            assertThat(data.path().resolve("postmaster.pid")).isRegularFile();
        }
        assertThat(data.path().resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void ensureRunningStartsAPreparedServerWithItsSettingsAndClosingANeverStartedOneLeavesNothing() throws Exception {
        PostgresInstallation installation = installation();
        DataDirectory data = cluster(installation);
        Path runtime;
        try (TemporaryServer never = TemporaryServer.prepare(installation, data, owner, SUPERUSER, runner,
                Duration.ofMinutes(1), Map.of())) {
            runtime = never.socketDirectory();
            assertThat(runtime).isDirectory();
        }
        assertThat(runtime).as("the socket directory of a server that never ran").doesNotExist();

        try (TemporaryServer server = TemporaryServer.prepare(installation, data, owner, SUPERUSER, runner,
                Duration.ofMinutes(1), Map.of("fsync", "off"))) {
            server.ensureRunning();
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW fsync")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("off");
            }
        }
    }
}
