package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import static com.cloudogu.upgrade.migrations.TestDatabases.AWKWARD_DATABASE;
import static com.cloudogu.upgrade.migrations.TestDatabases.createDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 03 on the catalog state that {@code DETACH PARTITION} leaves on 14.13 (before the 14.14 fix), with
 * names that need quoting everywhere, repaired after a minor update to 14.15.
 */
class MigrateConstraintsOnPartitionedTablesMigrationTest {

    private static final String ID = "03-migrate-constraints-on-partitioned-tables";
    private static final String MARKER = MigrateConstraintsOnPartitionedTablesMigration.MARKER;
    private static final String DB = AWKWARD_DATABASE;

    /** The check query of the 14.14 release notes with the later refinement for self-referencing keys. */
    private static final String RELEASE_NOTES_CHECK = """
            SELECT conrelid::pg_catalog.regclass AS "constrained table",
                   conname AS constraint,
                   confrelid::pg_catalog.regclass AS "references"
            FROM pg_catalog.pg_constraint c
            WHERE contype = 'f' AND conparentid = 0 AND
               (SELECT count(*) FROM pg_catalog.pg_constraint c2
                WHERE c2.conparentid = c.oid) <>
               ((SELECT count(*) FROM pg_catalog.pg_inherits i
                WHERE (i.inhparent = c.conrelid OR i.inhparent = c.confrelid) AND
                  EXISTS (SELECT 1 FROM pg_catalog.pg_partitioned_table
                          WHERE partrelid = i.inhparent)) +
                CASE WHEN pg_catalog.pg_partition_root(conrelid) = confrelid THEN
                          (SELECT count(*) FROM pg_catalog.pg_partition_tree(confrelid)
                            WHERE level = 1)
                     ELSE 0 END)
            """;
    /** The first version of the query, as published in the 14.14 release notes. */
    private static final String FIRST_PUBLISHED_CHECK = """
            SELECT conrelid::pg_catalog.regclass AS "constrained table",
                   conname AS constraint
            FROM pg_catalog.pg_constraint c
            WHERE contype = 'f' AND conparentid = 0 AND
               (SELECT count(*) FROM pg_catalog.pg_constraint c2
                WHERE c2.conparentid = c.oid) <>
               (SELECT count(*) FROM pg_catalog.pg_inherits i
                WHERE (i.inhparent = c.conrelid OR i.inhparent = c.confrelid) AND
                  EXISTS (SELECT 1 FROM pg_catalog.pg_partitioned_table
                          WHERE partrelid = i.inhparent))
            """;

    // Names with spaces, quotes, capitals and non-ASCII letters.
    private static final String SCHEMA = "\"Lager \"\"Nord\"\"\"";
    private static final String PRODUCTS = SCHEMA + ".\"Pro dukte\"";
    private static final String ORDERS = SCHEMA + ".\"Bestellungen\"";
    /** Created as a partition of ORDERS, then detached: its key lost the triggers on the products' partitions. */
    private static final String DETACHED = SCHEMA + ".\"Bestellung Zwei\"";
    /** A table with its own key, attached to ORDERS and detached again. */
    private static final String REATTACHED = SCHEMA + ".\"Bestellung Eins\"";
    private static final String KEY = "FK \"Produkt\" ß";

    @Test
    void keysThatDetachPartitionLeftInconsistentAreReportedBeforeAndRepairedAfter() throws Exception {
        try (PostgresServer server = brokenClusterUpdatedToFixedMinor()) {
            assertThat(server.queryColumn(DB, RELEASE_NOTES_CHECK)).containsExactlyInAnyOrder(
                    "\"Lager \"\"Nord\"\"\".\"Bestellung Eins\"", "\"Lager \"\"Nord\"\"\".\"Bestellung Zwei\"");
            assertThat(referencedRowCanBeDeleted(server, 1)).as("the detached key is not enforced").isTrue();
            InMemoryStateStore state = new InMemoryStateStore();

            MigrationHarness run = MigrationHarness.on(server, state).run(
                    new MigrateConstraintsOnPartitionedTablesMigration());

            assertThat(run.started()).containsExactly(ID);
            assertThat(server.queryColumn(DB, RELEASE_NOTES_CHECK)).isEmpty();
            assertThat(referencedRowCanBeDeleted(server, 1)).as("the key is enforced again").isFalse();
            assertThat(referencedRowCanBeDeleted(server, 2)).isFalse();
            assertThatThrownBy(() -> server.execute(DB, "INSERT INTO " + DETACHED + " VALUES (3, 99)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("violates foreign key constraint");
            assertThat(state.get(MARKER)).contains("true");
            assertThat(run.reports()).anyMatch(r -> r.contains("repaired foreign key \"" + KEY.replace("\"", "\"\"")
                    + "\" on " + DETACHED + " in database " + DB));
            assertThat(keyCount(server, DETACHED)).isEqualTo(1);
        }
    }

    @Test
    void secondRunChangesNothing() throws Exception {
        try (PostgresServer server = brokenClusterUpdatedToFixedMinor()) {
            InMemoryStateStore state = new InMemoryStateStore();
            MigrationHarness.on(server, state).run(new MigrateConstraintsOnPartitionedTablesMigration());
            String keysBefore = keyOids(server);

            MigrationHarness again = MigrationHarness.on(server, state)
                    .run(new MigrateConstraintsOnPartitionedTablesMigration());
            var migration = new MigrateConstraintsOnPartitionedTablesMigration();
            MigrationHarness direct = MigrationHarness.on(server, new InMemoryStateStore());
            boolean applies = migration.appliesTo(direct);
            migration.migrate(direct);

            assertThat(again.skipped()).containsExactly(ID);
            assertThat(applies).isFalse();
            assertThat(direct.reports()).noneMatch(r -> r.startsWith("repaired"));
            assertThat(keyOids(server)).isEqualTo(keysBefore);
        }
    }

    @Test
    void keyThatCannotBeReAddedStaysInPlaceWhileTheOthersAreRepaired() throws Exception {
        try (PostgresServer server = brokenClusterUpdatedToFixedMinor()) {
            // Rows that violate the key creep in while it is not enforced; re-adding it must then fail.
            server.execute(DB, "DELETE FROM " + PRODUCTS + " WHERE id = 1");
            String failingKeyOid = server.queryValue(DB, "SELECT oid FROM pg_constraint WHERE conrelid = '"
                    + DETACHED.replace("'", "''") + "'::regclass");
            InMemoryStateStore state = new InMemoryStateStore();

            assertThatThrownBy(() -> MigrationHarness.on(server, state)
                    .run(new MigrateConstraintsOnPartitionedTablesMigration()))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("database " + DB + ", \"" + KEY.replace("\"", "\"\"") + "\" on " + DETACHED)
                    .hasMessageContaining("violates foreign key constraint")
                    .hasMessageContaining("1 repaired");

            assertThat(server.queryValue(DB, "SELECT oid FROM pg_constraint WHERE conrelid = '"
                    + DETACHED.replace("'", "''") + "'::regclass"))
                    .as("the failed key is untouched").isEqualTo(failingKeyOid);
            assertThat(server.queryColumn(DB, RELEASE_NOTES_CHECK))
                    .containsExactly("\"Lager \"\"Nord\"\"\".\"Bestellung Zwei\"");
            assertThat(state.get(MARKER)).isEmpty();

            server.execute(DB, "DELETE FROM " + DETACHED + " WHERE product NOT IN (SELECT id FROM " + PRODUCTS + ")");
            MigrationHarness.on(server, state).run(new MigrateConstraintsOnPartitionedTablesMigration());

            assertThat(server.queryColumn(DB, RELEASE_NOTES_CHECK)).isEmpty();
            assertThat(state.get(MARKER)).contains("true");
        }
    }

    @Test
    void setMarkerSkipsTheMigration() throws Exception {
        try (PostgresServer server = brokenClusterUpdatedToFixedMinor()) {
            InMemoryStateStore state = new InMemoryStateStore();
            state.set(MARKER, "true");

            MigrationHarness run = MigrationHarness.on(server, state)
                    .run(new MigrateConstraintsOnPartitionedTablesMigration());

            assertThat(run.skipped()).containsExactly(ID);
            assertThat(server.queryColumn(DB, RELEASE_NOTES_CHECK)).hasSize(2);
        }
    }

    @Test
    void selfReferencingKeysAreJudgedByTheRefinedQuery() throws Exception {
        // 14.15 still creates partitions under a self-referencing key without all catalog entries (fixed in 14.18).
        try (PostgresServer server = PostgresServer.builder(PostgresVersions.V14_AFTER_FIXES).start()) {
            server.execute("postgres", """
                    CREATE TABLE "Knoten" (id int PRIMARY KEY, parent int, CONSTRAINT "Eltern" FOREIGN KEY (parent)
                        REFERENCES "Knoten") PARTITION BY RANGE (id);
                    CREATE TABLE "Knoten 1" PARTITION OF "Knoten" FOR VALUES FROM (0) TO (100);
                    CREATE TABLE "Knoten 2" PARTITION OF "Knoten" FOR VALUES FROM (100) TO (200);
                    CREATE TABLE healthy (id int PRIMARY KEY, parent int) PARTITION BY RANGE (id);
                    CREATE TABLE healthy_1 PARTITION OF healthy FOR VALUES FROM (0) TO (100);
                    CREATE TABLE healthy_2 PARTITION OF healthy FOR VALUES FROM (100) TO (200);
                    ALTER TABLE healthy ADD CONSTRAINT healthy_parent FOREIGN KEY (parent) REFERENCES healthy;
                    INSERT INTO "Knoten" VALUES (1, NULL), (150, 1);
                    """);
            assertThat(server.queryColumn("postgres", FIRST_PUBLISHED_CHECK))
                    .as("the first published query misses the broken key and flags the healthy one")
                    .containsExactly("healthy");
            assertThat(server.queryColumn("postgres", RELEASE_NOTES_CHECK)).containsExactly("\"Knoten\"");
            String healthyKey = server.queryValue("postgres", "SELECT oid FROM pg_constraint"
                    + " WHERE conname = 'healthy_parent' AND conparentid = 0");
            InMemoryStateStore state = new InMemoryStateStore();

            MigrationHarness.on(server, state).run(new MigrateConstraintsOnPartitionedTablesMigration());

            assertThat(server.queryColumn("postgres", RELEASE_NOTES_CHECK)).isEmpty();
            assertThatThrownBy(() -> server.execute("postgres", "DELETE FROM \"Knoten\" WHERE id = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("violates foreign key constraint");
            assertThat(server.queryValue("postgres", "SELECT oid FROM pg_constraint WHERE conname = 'healthy_parent'"
                    + " AND conparentid = 0")).as("the healthy key is untouched").isEqualTo(healthyKey);
            assertThat(state.get(MARKER)).contains("true");
        }
    }

    // On 14.13: ORDERS and PRODUCTS are partitioned; two tables leave ORDERS by DETACH PARTITION.
    private static PostgresServer brokenClusterUpdatedToFixedMinor() throws SQLException {
        PostgresServer server = PostgresServer.builder(PostgresVersions.V14_BEFORE_FK_FIX).start();
        try {
            createDatabase(server, DB);
            String key = "\"" + KEY.replace("\"", "\"\"") + "\"";
            server.execute(DB, "CREATE SCHEMA " + SCHEMA + ";"
                    + "CREATE TABLE " + PRODUCTS + " (id bigint PRIMARY KEY) PARTITION BY LIST (id);"
                    + "CREATE TABLE " + SCHEMA + ".\"Pro dukte 1\" PARTITION OF " + PRODUCTS + " FOR VALUES IN (1);"
                    + "CREATE TABLE " + SCHEMA + ".\"Pro dukte 2\" PARTITION OF " + PRODUCTS + " FOR VALUES IN (2);"
                    + "CREATE TABLE " + REATTACHED + " (id bigint PRIMARY KEY, product bigint NOT NULL,"
                    + " CONSTRAINT \"Eigener Schlüssel\" FOREIGN KEY (product) REFERENCES " + PRODUCTS + ");"
                    + "CREATE TABLE " + ORDERS + " (id bigint PRIMARY KEY, product bigint NOT NULL,"
                    + " CONSTRAINT " + key + " FOREIGN KEY (product) REFERENCES " + PRODUCTS + ")"
                    + " PARTITION BY LIST (id);"
                    + "ALTER TABLE " + ORDERS + " ATTACH PARTITION " + REATTACHED + " FOR VALUES IN (1);"
                    + "ALTER TABLE " + ORDERS + " DETACH PARTITION " + REATTACHED + ";"
                    + "CREATE TABLE " + DETACHED + " PARTITION OF " + ORDERS + " FOR VALUES IN (2);"
                    + "ALTER TABLE " + ORDERS + " DETACH PARTITION " + DETACHED + ";"
                    + "INSERT INTO " + PRODUCTS + " VALUES (1), (2);"
                    + "INSERT INTO " + REATTACHED + " VALUES (1, 2);"
                    + "INSERT INTO " + DETACHED + " VALUES (2, 1);");
            server.restartWith(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES));
            return server;
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static boolean referencedRowCanBeDeleted(PostgresServer server, int product) throws SQLException {
        try (Connection connection = server.connect(DB); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                statement.execute("DELETE FROM " + PRODUCTS + " WHERE id = " + product);
                return true;
            } catch (SQLException e) {
                if (!"23503".equals(e.getSQLState())) {
                    throw e;
                }
                return false;
            } finally {
                connection.rollback();
            }
        }
    }

    private static int keyCount(PostgresServer server, String table) throws SQLException {
        return Integer.parseInt(server.queryValue(DB, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                + " AND conrelid = '" + table.replace("'", "''") + "'::regclass AND conparentid = 0"));
    }

    private static String keyOids(PostgresServer server) throws SQLException {
        List<String> oids = server.queryColumn(DB, "SELECT oid FROM pg_constraint WHERE contype = 'f' ORDER BY oid");
        return String.join(",", oids);
    }
}
