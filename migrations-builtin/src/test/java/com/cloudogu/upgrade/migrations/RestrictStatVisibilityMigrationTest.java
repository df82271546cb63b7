package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import static com.cloudogu.upgrade.migrations.TestDatabases.AWKWARD_DATABASE;
import static com.cloudogu.upgrade.migrations.TestDatabases.createDatabase;
import static com.cloudogu.upgrade.migrations.TestDatabases.queryAs;
import static com.cloudogu.upgrade.migrations.TestDatabases.queryInTemplate0;
import static com.cloudogu.upgrade.migrations.TestDatabases.template0AllowsConnections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 02 on a cluster initialized by 14.10 (views leak extended statistics) and then run by 14.15, a
 * minor update on the same data directory, as the dogu does.
 */
class RestrictStatVisibilityMigrationTest {

    private static final String ID = "02-restrict-stat-visibility";
    private static final String MARKER = RestrictStatVisibilityMigration.MARKER;
    private static final List<String> LEAKY_DATABASES = List.of("postgres", AWKWARD_DATABASE);
    private static final String UNRESTRICTED_VIEWS = "SELECT count(*) FROM pg_class c"
            + " WHERE c.relnamespace = 'pg_catalog'::regnamespace"
            + " AND c.relname IN ('pg_stats_ext', 'pg_stats_ext_exprs')"
            + " AND pg_get_viewdef(c.oid) NOT LIKE '%pg_has_role(c.relowner%'";
    // Changes whenever CREATE OR REPLACE VIEW rewrites the view.
    private static final String VIEW_RULE_VERSIONS = "SELECT string_agg(xmin::text, ',' ORDER BY ev_class)"
            + " FROM pg_rewrite WHERE ev_class IN ('pg_catalog.pg_stats_ext'::regclass,"
            + " 'pg_catalog.pg_stats_ext_exprs'::regclass)";

    @Test
    void nonOwnerSeesOtherRolesStatisticsBeforeAndNoneAfterTheMigration() throws Exception {
        try (PostgresServer server = leakyClusterUpdatedToFixedMinor()) {
            for (String database : LEAKY_DATABASES) {
                assertThat(statisticsVisibleToBob(server, database)).as(database).containsExactly("alice_stats");
                assertThat(expressionStatisticsVisibleToBob(server, database)).as(database).isNotEmpty();
            }
            InMemoryStateStore state = new InMemoryStateStore();

            MigrationHarness run = MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());

            assertThat(run.started()).containsExactly(ID);
            for (String database : LEAKY_DATABASES) {
                assertThat(statisticsVisibleToBob(server, database)).as(database).isEmpty();
                assertThat(expressionStatisticsVisibleToBob(server, database)).as(database).isEmpty();
                assertThat(queryAs(server, database, "alice", "SELECT statistics_name FROM pg_stats_ext"))
                        .as("the owner still sees her own statistics").containsExactly("alice_stats");
            }
            assertThat(server.queryValue("template1", UNRESTRICTED_VIEWS)).isEqualTo("0");
            assertThat(queryInTemplate0(server, UNRESTRICTED_VIEWS)).containsExactly("0");
            assertThat(template0AllowsConnections(server)).isFalse();
            assertThat(state.get(MARKER)).contains("true");
            assertThat(run.reports()).anyMatch(r -> r.contains("database template0"))
                    .anyMatch(r -> r.contains("database template1"))
                    .anyMatch(r -> r.contains("database " + AWKWARD_DATABASE));
        }
    }

    @Test
    void secondRunChangesNothing() throws Exception {
        try (PostgresServer server = leakyClusterUpdatedToFixedMinor()) {
            InMemoryStateStore state = new InMemoryStateStore();
            MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());
            String before = server.queryValue("postgres", VIEW_RULE_VERSIONS);

            MigrationHarness again = MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());
            // Also without the marker: the migration itself finds nothing left to do.
            RestrictStatVisibilityMigration migration = new RestrictStatVisibilityMigration();
            MigrationHarness direct = MigrationHarness.on(server, new InMemoryStateStore());
            boolean applies = migration.appliesTo(direct);
            migration.migrate(direct);

            assertThat(again.skipped()).containsExactly(ID);
            assertThat(applies).isFalse();
            assertThat(direct.reports()).containsExactly("CVE-2024-4317 fixed in 0 of 4 databases; every database now"
                    + " restricts pg_stats_ext and pg_stats_ext_exprs to the table owner");
            assertThat(server.queryValue("postgres", VIEW_RULE_VERSIONS)).isEqualTo(before);
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void setMarkerSkipsTheMigration() throws Exception {
        try (PostgresServer server = leakyClusterUpdatedToFixedMinor()) {
            InMemoryStateStore state = new InMemoryStateStore();
            state.set(MARKER, "true");

            MigrationHarness run = MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());

            assertThat(run.skipped()).containsExactly(ID);
            assertThat(statisticsVisibleToBob(server, "postgres")).containsExactly("alice_stats");
        }
    }

    @Test
    void serverWithoutTheFixScriptReportsTheLeakAndLeavesTheMarkerUnset() throws Exception {
        try (PostgresServer server = leakyCluster()) {
            assertThat(server.shareDirectory().resolve(RestrictStatVisibilityMigration.FIX_SCRIPT))
                    .as("zonky %s ships no fix script", server.version()).doesNotExist();
            InMemoryStateStore state = new InMemoryStateStore();

            MigrationHarness run = MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());

            assertThat(run.skipped()).containsExactly(ID);
            assertThat(run.reports()).singleElement().asString()
                    .contains("CVE-2024-4317 is NOT fixed", "14.10", "does not ship fix-CVE-2024-4317.sql",
                            AWKWARD_DATABASE, MARKER + " stays unset");
            assertThat(state.get(MARKER)).isEmpty();
            assertThat(statisticsVisibleToBob(server, "postgres")).containsExactly("alice_stats");
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void template0RefusesConnectionsAgainWhenTheFixFailsInsideIt() throws Exception {
        try (PostgresServer server = leakyClusterUpdatedToFixedMinor()) {
            // An extra column makes the script's CREATE OR REPLACE VIEW fail ("cannot drop columns from view").
            String definition = queryInTemplate0(server, "SELECT pg_get_viewdef('pg_catalog.pg_stats_ext'::regclass)")
                    .get(0).strip().replaceAll(";$", "");
            TestDatabases.executeInTemplate0(server, "CREATE OR REPLACE VIEW pg_catalog.pg_stats_ext"
                    + " WITH (security_barrier) AS SELECT v.*, 1 AS tampered FROM (" + definition + ") v");
            InMemoryStateStore state = new InMemoryStateStore();

            assertThatThrownBy(() -> MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration()))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("in database template0")
                    .hasMessageContaining("cannot drop columns from view");

            assertThat(template0AllowsConnections(server)).isFalse();
            assertThat(state.get(MARKER)).isEmpty();
            assertThat(statisticsVisibleToBob(server, "postgres")).containsExactly("alice_stats");
        }
    }

    @Test
    void failureHalfWayLeavesTheMarkerUnsetAndTheNextRunFinishes() throws Exception {
        try (PostgresServer server = leakyClusterUpdatedToFixedMinor()) {
            InMemoryStateStore state = new InMemoryStateStore();
            // appliesTo connects once; migrate goes template0 first, then by name: the awkward database
            // comes before postgres and template1.
            FaultInjectingServer faulty = new FaultInjectingServer(server).failConnectTo(AWKWARD_DATABASE, 1);

            assertThatThrownBy(() -> MigrationHarness.on(faulty, state).run(new RestrictStatVisibilityMigration()))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("in database " + AWKWARD_DATABASE)
                    .hasMessageContaining("Fixed so far: [template0]");
            assertThat(state.get(MARKER)).isEmpty();
            assertThat(template0AllowsConnections(server)).isFalse();
            assertThat(queryInTemplate0(server, UNRESTRICTED_VIEWS)).containsExactly("0");
            assertThat(statisticsVisibleToBob(server, "postgres")).containsExactly("alice_stats");

            MigrationHarness rerun = MigrationHarness.on(server, state).run(new RestrictStatVisibilityMigration());

            assertThat(rerun.started()).containsExactly(ID);
            assertThat(state.get(MARKER)).contains("true");
            assertThat(rerun.reports()).noneMatch(r -> r.contains("database template0"))
                    .anyMatch(r -> r.contains("database " + AWKWARD_DATABASE));
            for (String database : LEAKY_DATABASES) {
                assertThat(statisticsVisibleToBob(server, database)).as(database).isEmpty();
            }
        }
    }

    @Test
    void scriptWithAPsqlMetaCommandIsRefusedRatherThanHalfRun(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve(RestrictStatVisibilityMigration.FIX_SCRIPT),
                "SET search_path = pg_catalog;\n\\connect template1\nCREATE OR REPLACE VIEW x AS SELECT 1;\n");

        assertThatThrownBy(() -> RestrictStatVisibilityMigration.readPlainSql(script))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("\\connect template1");
    }

    // A 14.10 cluster where alice owns a table with expression statistics that bob cannot read.
    private static PostgresServer leakyCluster() throws SQLException {
        PostgresServer server = PostgresServer.builder(PostgresVersions.V14_BEFORE_STATS_FIX).start();
        try {
            server.execute("postgres", "CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN");
            createDatabase(server, AWKWARD_DATABASE);
            for (String database : LEAKY_DATABASES) {
                server.execute(database, "GRANT CREATE ON SCHEMA public TO alice; SET ROLE alice;"
                        + " CREATE TABLE secrets (a int, b int);"
                        + " INSERT INTO secrets SELECT i % 10, i % 7 FROM generate_series(1, 1000) i;"
                        + " CREATE STATISTICS alice_stats ON (a + b), (a * b) FROM secrets;"
                        + " ANALYZE secrets; RESET ROLE");
            }
            return server;
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static PostgresServer leakyClusterUpdatedToFixedMinor() throws SQLException {
        PostgresServer server = leakyCluster();
        server.restartWith(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES));
        return server;
    }

    private static List<String> statisticsVisibleToBob(PostgresServer server, String database) throws SQLException {
        return queryAs(server, database, "bob", "SELECT statistics_name FROM pg_stats_ext");
    }

    private static List<String> expressionStatisticsVisibleToBob(PostgresServer server, String database)
            throws SQLException {
        return queryAs(server, database, "bob", "SELECT expr FROM pg_stats_ext_exprs");
    }
}
