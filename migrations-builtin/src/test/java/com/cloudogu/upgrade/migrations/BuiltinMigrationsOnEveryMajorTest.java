package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import static com.cloudogu.upgrade.migrations.TestDatabases.AWKWARD_DATABASE;
import static com.cloudogu.upgrade.migrations.TestDatabases.createDatabase;
import static com.cloudogu.upgrade.migrations.TestDatabases.template0AllowsConnections;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migrations 02 to 05 together, through the engine's runner, on the current minor of every
 * supported major: a fresh cluster gives them nothing to do, work that exists on every major
 * (outdated extensions, changed collation versions) is done, and a second run finds nothing.
 */
class BuiltinMigrationsOnEveryMajorTest {

    private static final List<String> IDS = List.of("02-restrict-stat-visibility",
            "03-migrate-constraints-on-partitioned-tables", "04-update-extensions", "05-refresh-collation-versions");

    static Stream<String> versions() {
        return PostgresVersions.latestPerMajor().stream();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void freshClusterIsLeftAloneAndExistingWorkIsDoneOnce(String version) throws Exception {
        try (PostgresServer server = PostgresServer.builder(version).start()) {
            createDatabase(server, AWKWARD_DATABASE);
            server.execute(AWKWARD_DATABASE, """
                    CREATE TABLE parent (id int PRIMARY KEY) PARTITION BY RANGE (id);
                    CREATE TABLE parent_1 PARTITION OF parent FOR VALUES FROM (0) TO (100);
                    CREATE TABLE child (id int, parent int REFERENCES parent) PARTITION BY RANGE (id);
                    CREATE TABLE child_1 PARTITION OF child FOR VALUES FROM (0) TO (100);
                    CREATE TABLE words (w text COLLATE "en-x-icu");
                    CREATE INDEX words_w ON words (w);
                    CREATE EXTENSION hstore;
                    """);
            InMemoryStateStore state = new InMemoryStateStore();
            int major = server.majorVersion();

            MigrationHarness fresh = MigrationHarness.upgrade(server, state, (major - 1) + ".9-1", major + ".0-1")
                    .run(builtins());

            assertThat(fresh.skipped()).as("nothing to do on a fresh cluster").isEqualTo(IDS);
            assertThat(template0AllowsConnections(server)).isFalse();

            server.execute(AWKWARD_DATABASE, "DROP EXTENSION hstore; CREATE EXTENSION hstore VERSION '1.4';"
                    + " UPDATE pg_collation SET collversion = 'stale' WHERE collname = 'en-x-icu'"
                    + " AND collnamespace = 'pg_catalog'::regnamespace");

            MigrationHarness work = MigrationHarness.upgrade(server, state, (major - 1) + ".9-1", major + ".0-1")
                    .run(builtins());
            MigrationHarness again = MigrationHarness.upgrade(server, state, (major - 1) + ".9-1", major + ".0-1")
                    .run(builtins());

            assertThat(work.started()).containsExactly("04-update-extensions", "05-refresh-collation-versions");
            assertThat(server.queryValue(AWKWARD_DATABASE, "SELECT extversion = default_version FROM pg_extension"
                    + " JOIN pg_available_extensions ON name = extname WHERE extname = 'hstore'")).isEqualTo("t");
            assertThat(server.queryValue(AWKWARD_DATABASE, "SELECT collversion = pg_collation_actual_version(oid)"
                    + " FROM pg_collation WHERE collname = 'en-x-icu' AND collnamespace = 'pg_catalog'::regnamespace"))
                    .isEqualTo("t");
            assertThat(again.skipped()).isEqualTo(IDS);
            assertThat(template0AllowsConnections(server)).isFalse();
        }
    }

    @Test
    void builtInMigrationsAreRegisteredInOrder() {
        List<String> ids = ServiceLoader.load(Migration.class).stream().map(p -> p.get().id()).sorted().toList();

        assertThat(ids).as("the restore is an engine step, no migration").containsExactlyElementsOf(IDS);
    }

    @Test
    void markersAreTheOnesTheDoguUses() {
        assertThat(new RestrictStatVisibilityMigration().marker()).contains("restricted_stat_visibility");
        assertThat(new MigrateConstraintsOnPartitionedTablesMigration().marker())
                .contains("migrated_database_constraints");
        assertThat(new UpdateExtensionsMigration().marker()).isEmpty();
        assertThat(new RefreshCollationVersionsMigration().marker()).isEmpty();
    }

    private static Migration[] builtins() {
        return new Migration[] {new RestrictStatVisibilityMigration(),
            new MigrateConstraintsOnPartitionedTablesMigration(), new UpdateExtensionsMigration(),
            new RefreshCollationVersionsMigration()};
    }
}
