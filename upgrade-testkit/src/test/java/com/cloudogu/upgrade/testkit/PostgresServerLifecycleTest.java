package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, minor upgrades and clean-up of a local server. */
class PostgresServerLifecycleTest {

    @TempDir
    Path temp;

    @Test
    void restartWithNewerMinorBinariesKeepsTheData() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V14_BEFORE_STATS_FIX).start()) {
            server.execute("postgres", "CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (1), (2)");
            int port = server.port();

            server.restartWith(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES));

            assertThat(server.queryValue("postgres", "SELECT current_setting('server_version_num')"))
                    .isEqualTo("140015");
            assertThat(server.queryValue("postgres", "SELECT string_agg(id::text, ',' ORDER BY id) FROM kept"))
                    .isEqualTo("1,2");
            assertThat(server.port()).as("the port survives a restart").isEqualTo(port);
        }
    }

    @Test
    void restartWithAnotherMajorIsRefusedAndTheServerKeepsRunning() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V14_BEFORE_STATS_FIX).start()) {
            PostgresBinaries newerMajor = PostgresBinaries.of(PostgresVersions.V15);

            assertThatThrownBy(() -> server.restartWith(newerMajor))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to PostgreSQL 14")
                    .hasMessageContaining("15.14.0");
            assertThat(server.isRunning()).isTrue();
            assertThat(server.queryValue("postgres", "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void closeKeepsACallerDataDirectoryWhichANewerMinorCanReuse() throws Exception {
        // @TempDir is private to root; the server user must be able to pass through it.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Path data = temp.resolve("pgdata");
        Path work;
        try (PostgresServer first = PostgresServer.builder(PostgresVersions.V14_BEFORE_STATS_FIX)
                .dataDirectory(data)
                .start()) {
            first.execute("postgres", "CREATE TABLE kept AS SELECT 42 AS answer");
            work = first.socketDirectory().getParent();
        }
        assertThat(data.resolve("PG_VERSION")).hasContent("14");
        assertThat(work).as("temporary directories are removed on close").doesNotExist();

        try (PostgresServer second = PostgresServer.builder(PostgresVersions.V14_AFTER_FIXES)
                .dataDirectory(data)
                .start()) {
            assertThat(second.queryValue("postgres", "SELECT answer FROM kept")).isEqualTo("42");
            assertThat(second.versionNumber()).isEqualTo(140015);
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsTemporaryDataDirectory() throws Exception {
        PostgresServer server = PostgresServer.builder(PostgresVersions.V17).start();
        Path data = server.dataDirectory();
        int port = server.port();

        server.close();
        server.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(data).doesNotExist();
        assertThat(accepts(port)).as("nothing listens on the old port").isFalse();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void stopIsIdempotentAndStartResumesOnTheSameCluster() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V17).dataChecksums(true).start()) {
            server.execute("postgres", "CREATE TABLE t AS SELECT 'still here'::text AS v");

            server.stop();
            server.stop();
            assertThatThrownBy(() -> server.queryValue("postgres", "SELECT 1")).isInstanceOf(SQLException.class);
            server.start();

            assertThat(server.queryValue("postgres", "SELECT v FROM t")).isEqualTo("still here");
            assertThat(server.queryValue("postgres", "SHOW data_checksums")).isEqualTo("on");
        }
    }

    @Test
    void databaseNamesWithSpacesAndCapitalsConnect() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V17)
                .superuser("dogu_admin")
                .setting("max_connections", "25")
                .start()) {
            server.execute("postgres", "CREATE DATABASE \"Shop Data\"");

            assertThat(server.queryValue("Shop Data", "SELECT current_database() || ' as ' || current_user"))
                    .isEqualTo("Shop Data as dogu_admin");
            assertThat(server.queryValue("postgres", "SHOW max_connections")).isEqualTo("25");
            assertThat(server.connectableDatabases()).containsExactly("Shop Data", "postgres", "template1");
        }
    }

    @Test
    void passwordAuthenticationUsesTheConfiguredSuperuserPassword() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V15)
                .authentication("scram-sha-256")
                .superuserPassword("s3cret 'quoted'")
                .start()) {
            assertThat(server.queryValue("postgres", "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid"
                    + " WHERE rolname = current_user")).isEqualTo("t");
        }
    }

    @Test
    void dataDirectoryTheServerUserCannotReachIsRefusedUpFront() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx------"));
        Path data = temp.resolve("pgdata");
        PostgresServer.Builder builder = PostgresServer.builder(PostgresVersions.V17).dataDirectory(data);

        if (OsUser.isRoot()) {
            assertThatThrownBy(builder::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("OS user postgres cannot enter " + temp)
                    .hasMessageContaining("chmod o+x");
        } else {
            // Without root the server runs as the JVM's own user, which owns the directory.
            try (PostgresServer server = builder.start()) {
                assertThat(server.dataDirectory()).isEqualTo(data);
            }
        }
    }

    @Test
    void nonEmptyDirectoryWithoutClusterIsRefused() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Path data = Files.createDirectories(temp.resolve("not-a-cluster"));
        Files.writeString(data.resolve("something.txt"), "hello");

        assertThatThrownBy(() -> PostgresServer.builder(PostgresVersions.V17).dataDirectory(data).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neither empty nor a PostgreSQL cluster");
        assertThat(data.resolve("something.txt")).exists();
    }

    @SuppressWarnings("try") // the resource is held, not used
    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
