package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import static com.cloudogu.upgrade.migrations.TestDatabases.AWKWARD_DATABASE;
import static com.cloudogu.upgrade.migrations.TestDatabases.createDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** 04 on a real server with extensions installed at versions older than its defaults. */
class UpdateExtensionsMigrationTest {

    private static final String ID = "04-update-extensions";
    private static final String SCHEMA = "\"Erweiterungen \"\"Ü\"\"\"";
    private static final String OLD = "1.4";

    @Test
    void outdatedExtensionsAreUpdatedInEveryDatabaseAfterAMajorUpgrade() throws Exception {
        try (PostgresServer server = clusterWithOldExtensions()) {
            assertThat(installedVersion(server, "postgres", "hstore")).isEqualTo(OLD);
            assertThat(installedVersion(server, AWKWARD_DATABASE, "citext")).isEqualTo(OLD);

            MigrationHarness run = majorUpgrade(server).run(new UpdateExtensionsMigration());

            assertThat(run.started()).containsExactly(ID);
            assertThat(installedVersion(server, "postgres", "hstore")).isEqualTo(defaultVersion(server, "hstore"));
            assertThat(installedVersion(server, AWKWARD_DATABASE, "citext"))
                    .isEqualTo(defaultVersion(server, "citext"));
            assertThat(run.reports()).contains("updated extension hstore in database postgres from 1.4 to "
                    + defaultVersion(server, "hstore"));
            assertThat(run.reports()).contains("updated extension citext in database " + AWKWARD_DATABASE
                    + " from 1.4 to " + defaultVersion(server, "citext"));
        }
    }

    @Test
    void secondRunFindsNothingToDo() throws Exception {
        try (PostgresServer server = clusterWithOldExtensions()) {
            majorUpgrade(server).run(new UpdateExtensionsMigration());

            MigrationHarness again = majorUpgrade(server).run(new UpdateExtensionsMigration());

            assertThat(again.skipped()).containsExactly(ID);
            assertThat(again.reports()).isEmpty();
        }
    }

    @Test
    void extensionsAreLeftAloneWithoutAMajorUpgrade() throws Exception {
        try (PostgresServer server = clusterWithOldExtensions()) {
            int major = server.majorVersion();
            MigrationHarness minorUpdate = MigrationHarness.upgrade(server, new InMemoryStateStore(),
                    major + ".0-1", major + ".1-1").run(new UpdateExtensionsMigration());
            MigrationHarness restart = MigrationHarness.on(server, new InMemoryStateStore())
                    .run(new UpdateExtensionsMigration());

            assertThat(minorUpdate.skipped()).containsExactly(ID);
            assertThat(restart.skipped()).containsExactly(ID);
            assertThat(installedVersion(server, "postgres", "hstore")).isEqualTo(OLD);
        }
    }

    @Test
    void failedUpdateIsReportedWithDatabaseAndExtensionWhileTheOthersAreUpdated() throws Exception {
        try (PostgresServer server = clusterWithOldExtensions()) {
            // A function outside the extension with a name a later hstore script creates: that update step fails.
            server.execute("postgres", "CREATE EXTENSION citext VERSION '" + OLD + "';"
                    + " CREATE FUNCTION public.hstore_hash_extended(hstore, int8) RETURNS int8"
                    + " LANGUAGE sql AS 'SELECT 0::int8'");

            MigrationHarness run = majorUpgrade(server).run(new UpdateExtensionsMigration());
            String hstoreDefault = defaultVersion(server, "hstore");

            assertThat(installedVersion(server, "postgres", "hstore")).isEqualTo(OLD);
            assertThat(installedVersion(server, "postgres", "citext")).isEqualTo(defaultVersion(server, "citext"));
            assertThat(installedVersion(server, AWKWARD_DATABASE, "citext"))
                    .isEqualTo(defaultVersion(server, "citext"));
            assertThat(run.reports()).anyMatch(r -> r.contains("NOT updated")
                    && r.contains("database postgres, extension hstore (1.4 -> " + hstoreDefault + ")")
                    && r.contains("hstore_hash_extended")
                    && r.contains("ALTER EXTENSION \"hstore\" UPDATE"));
        }
    }

    private static PostgresServer clusterWithOldExtensions() throws SQLException {
        PostgresServer server = PostgresServer.builder(PostgresVersions.V17).start();
        try {
            createDatabase(server, AWKWARD_DATABASE);
            server.execute("postgres", "CREATE EXTENSION hstore VERSION '" + OLD + "'; CREATE EXTENSION pg_trgm");
            server.execute(AWKWARD_DATABASE, "CREATE SCHEMA " + SCHEMA + "; CREATE EXTENSION citext VERSION '" + OLD
                    + "' SCHEMA " + SCHEMA);
            return server;
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static MigrationHarness majorUpgrade(PostgresServer server) {
        int major = server.majorVersion();
        return MigrationHarness.upgrade(server, new InMemoryStateStore(), (major - 1) + ".9-1", major + ".0-1");
    }

    private static String installedVersion(PostgresServer server, String database, String extension)
            throws SQLException {
        return server.queryValue(database, "SELECT extversion FROM pg_extension WHERE extname = '" + extension + "'");
    }

    private static String defaultVersion(PostgresServer server, String extension) throws SQLException {
        return server.queryValue("postgres", "SELECT default_version FROM pg_available_extensions WHERE name = '"
                + extension + "'");
    }
}
