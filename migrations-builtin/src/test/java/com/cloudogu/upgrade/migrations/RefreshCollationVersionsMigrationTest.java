package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import static com.cloudogu.upgrade.migrations.TestDatabases.AWKWARD_DATABASE;
import static com.cloudogu.upgrade.migrations.TestDatabases.createDatabase;
import static com.cloudogu.upgrade.migrations.TestDatabases.template0AllowsConnections;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 05 on real servers. A changed collation library cannot be installed here, so the state it leaves
 * is made the way PostgreSQL sees it: the recorded version ({@code pg_collation.collversion},
 * {@code pg_database.datcollversion}) is set to a value the library does not report, exactly what
 * remains in the catalog after glibc or ICU was updated under an existing cluster.
 */
class RefreshCollationVersionsMigrationTest {

    private static final String ID = "05-refresh-collation-versions";
    private static final String ICU = "en-x-icu";
    private static final String STALE = "0.0-before-library-update";
    private static final String TABLE = "\"Sortierung\".\"Namen\"";
    private static final String RECORDED_ICU_VERSION = "SELECT collversion FROM pg_collation WHERE collname = '" + ICU
            + "' AND collnamespace = 'pg_catalog'::regnamespace";
    private static final String ACTUAL_ICU_VERSION = "SELECT pg_collation_actual_version(oid) FROM pg_collation"
            + " WHERE collname = '" + ICU + "' AND collnamespace = 'pg_catalog'::regnamespace";

    @Test
    void indexesOnAnIcuCollationWhoseVersionChangedAreRebuiltAndTheNewVersionRecorded() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V12).start()) {
            tableWithIcuIndexes(server);
            server.execute(AWKWARD_DATABASE, "UPDATE pg_collation SET collversion = '" + STALE + "' WHERE collname = '"
                    + ICU + "' AND collnamespace = 'pg_catalog'::regnamespace");
            assertThat(warningsWhenSorting(server)).anyMatch(w -> w.contains("version mismatch"));
            List<String> before = fileNodes(server);

            MigrationHarness run = MigrationHarness.on(server, new InMemoryStateStore())
                    .run(new RefreshCollationVersionsMigration());

            List<String> after = fileNodes(server);
            assertThat(run.started()).containsExactly(ID);
            assertThat(server.queryValue(AWKWARD_DATABASE, RECORDED_ICU_VERSION))
                    .isEqualTo(server.queryValue(AWKWARD_DATABASE, ACTUAL_ICU_VERSION));
            assertThat(warningsWhenSorting(server)).isEmpty();
            assertThat(after.get(0)).as("index on the ICU column rebuilt").isNotEqualTo(before.get(0));
            assertThat(after.get(1)).as("expression index with the ICU collation rebuilt").isNotEqualTo(before.get(1));
            assertThat(after.get(2)).as("index on the default collation untouched").isEqualTo(before.get(2));
            assertThat(after.get(3)).as("primary key untouched").isEqualTo(before.get(3));
            assertThat(run.reports()).anyMatch(r -> r.startsWith("database " + AWKWARD_DATABASE
                    + ": rebuilt 2 index(es)")
                    && r.contains("\"Sortierung\".\"Name ICU\"") && r.contains("pg_catalog.\"en-x-icu\" (" + STALE));
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void secondRunRebuildsNothing() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V12).start()) {
            tableWithIcuIndexes(server);
            server.execute(AWKWARD_DATABASE, "UPDATE pg_collation SET collversion = '" + STALE + "' WHERE collname = '"
                    + ICU + "' AND collnamespace = 'pg_catalog'::regnamespace");
            MigrationHarness.on(server, new InMemoryStateStore()).run(new RefreshCollationVersionsMigration());
            List<String> before = fileNodes(server);

            MigrationHarness again = MigrationHarness.on(server, new InMemoryStateStore())
                    .run(new RefreshCollationVersionsMigration());

            assertThat(again.skipped()).containsExactly(ID);
            assertThat(fileNodes(server)).isEqualTo(before);
        }
    }

    @Test
    void indexesOnTheDefaultCollationAreRebuiltWhenTheDatabaseCollationVersionChanged() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V16).start()) {
            String database = "ICU \"Daten\" ä";
            server.execute("postgres", "CREATE DATABASE \"ICU \"\"Daten\"\" ä\" LOCALE_PROVIDER icu ICU_LOCALE 'en'"
                    + " TEMPLATE template0");
            server.execute(database, "CREATE TABLE kunden (id int PRIMARY KEY, name text);"
                    + " CREATE INDEX kunden_name ON kunden (name);"
                    + " INSERT INTO kunden SELECT i, md5(i::text) FROM generate_series(1, 100) i");
            server.execute("postgres", "UPDATE pg_database SET datcollversion = '" + STALE + "' WHERE datname = '"
                    + database.replace("'", "''") + "'");
            String textIndex = fileNode(server, database, "kunden_name");
            String keyIndex = fileNode(server, database, "kunden_pkey");

            MigrationHarness run = MigrationHarness.on(server, new InMemoryStateStore())
                    .run(new RefreshCollationVersionsMigration());

            assertThat(run.started()).containsExactly(ID);
            assertThat(server.queryValue("postgres", "SELECT datcollversion = pg_database_collation_actual_version(oid)"
                    + " FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'")).isEqualTo("t");
            assertThat(fileNode(server, database, "kunden_name")).isNotEqualTo(textIndex);
            assertThat(fileNode(server, database, "kunden_pkey")).isEqualTo(keyIndex);
            assertThat(run.reports()).anyMatch(r -> r.contains("default collation of database " + database));
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void template0sChangedDatabaseVersionIsRefreshedAndTemplate0RefusesConnectionsAgain() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V16)
                .initdbArgument("--locale-provider=icu").initdbArgument("--icu-locale=en").start()) {
            server.execute("postgres", "UPDATE pg_database SET datcollversion = '" + STALE + "'"
                    + " WHERE datname = 'template0'");

            MigrationHarness run = MigrationHarness.on(server, new InMemoryStateStore())
                    .run(new RefreshCollationVersionsMigration());

            assertThat(run.started()).containsExactly(ID);
            assertThat(server.queryValue("postgres", "SELECT datcollversion = pg_database_collation_actual_version(oid)"
                    + " FROM pg_database WHERE datname = 'template0'")).isEqualTo("t");
            assertThat(run.reports()).singleElement().asString().startsWith("database template0: rebuilt 0 index(es)");
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void nothingToDoCostsOneQueryPerDatabase() throws Exception {
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V16).start()) {
            tableWithIcuIndexes(server);
            StatementCountingServer counting = new StatementCountingServer(server);

            MigrationHarness run = MigrationHarness.on(counting, new InMemoryStateStore())
                    .run(new RefreshCollationVersionsMigration());

            int databases = server.connectableDatabases().size();
            assertThat(run.skipped()).containsExactly(ID);
            assertThat(databases).isEqualTo(3);
            assertThat(counting.statements()).isEqualTo(databases);
            assertThat(counting.connections()).isEqualTo(databases);
        }
    }

    private static void tableWithIcuIndexes(PostgresServer server) throws SQLException {
        createDatabase(server, AWKWARD_DATABASE);
        server.execute(AWKWARD_DATABASE, "CREATE SCHEMA \"Sortierung\";"
                + " CREATE TABLE " + TABLE + " (id int PRIMARY KEY, name text COLLATE \"" + ICU + "\", plain text);"
                + " CREATE INDEX \"Name ICU\" ON " + TABLE + " (name);"
                + " CREATE INDEX \"Name lower\" ON " + TABLE + " ((lower(plain) COLLATE \"" + ICU + "\"));"
                + " CREATE INDEX \"Name plain\" ON " + TABLE + " (plain);"
                + " INSERT INTO " + TABLE + " SELECT i, md5(i::text), md5(i::text) FROM generate_series(1, 100) i");
    }

    // File nodes of: ICU index, ICU expression index, default-collation index, primary key.
    private static List<String> fileNodes(PostgresServer server) throws SQLException {
        List<String> nodes = new ArrayList<>();
        for (String index : List.of("Name ICU", "Name lower", "Name plain", "Namen_pkey")) {
            nodes.add(fileNode(server, AWKWARD_DATABASE, "\"Sortierung\".\"" + index + "\""));
        }
        return nodes;
    }

    private static String fileNode(PostgresServer server, String database, String index) throws SQLException {
        return server.queryValue(database, "SELECT pg_relation_filenode('" + index.replace("'", "''") + "')");
    }

    // PostgreSQL warns once per session when it first compares with a collation whose version changed.
    private static List<String> warningsWhenSorting(PostgresServer server) throws SQLException {
        List<String> warnings = new ArrayList<>();
        try (Connection connection = server.connect(AWKWARD_DATABASE);
                Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 'a' < ('b' COLLATE \"" + ICU + "\")").close();
            for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                warnings.add(w.getMessage());
            }
        }
        return warnings;
    }
}
