package com.cloudogu.upgrade.migrations.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.migrations.MigrateConstraintsOnPartitionedTablesMigration;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.testkit.compat.MigrationCompatibilityKit;
import java.util.List;

/**
 * 03 through the compatibility kit, on the one major whose affected minors the testkit ships: foreign
 * keys left inconsistent by DETACH PARTITION on 14.13, repaired after the update to 14.15.
 */
class MigrateConstraintsOnPartitionedTablesKitTest extends MigrationCompatibilityKit {

    /** The check query of the PostgreSQL 14.14 release notes: lists keys whose clones are missing. */
    private static final String INCONSISTENT_KEYS = """
            SELECT count(*) FROM pg_catalog.pg_constraint c
            WHERE contype = 'f' AND conparentid = 0 AND
               (SELECT count(*) FROM pg_catalog.pg_constraint c2 WHERE c2.conparentid = c.oid) <>
               (SELECT count(*) FROM pg_catalog.pg_inherits i
                WHERE (i.inhparent = c.conrelid OR i.inhparent = c.confrelid) AND
                  EXISTS (SELECT 1 FROM pg_catalog.pg_partitioned_table WHERE partrelid = i.inhparent))
            """;

    /** Top-level foreign keys of the detached table (their clones per referenced partition not counted). */
    private static final String KEYS_OF_DETACHED_TABLE = "SELECT count(*) FROM pg_catalog.pg_constraint"
            + " WHERE contype = 'f' AND conparentid = 0 AND conrelid = 'orders_2'::regclass";

    @Override
    protected Migration migration() {
        return new MigrateConstraintsOnPartitionedTablesMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(14);
    }

    @Override
    protected List<String> serverVersions() {
        return List.of(PostgresVersions.V14_BEFORE_FK_FIX);
    }

    /** Breaks the keys on 14.13, then updates the cluster to 14.15, as the dogu's minor update does. */
    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE DATABASE shop");
        server.execute("shop", """
                CREATE TABLE products (id bigint PRIMARY KEY) PARTITION BY LIST (id);
                CREATE TABLE products_1 PARTITION OF products FOR VALUES IN (1);
                CREATE TABLE products_2 PARTITION OF products FOR VALUES IN (2);
                CREATE TABLE orders (id bigint PRIMARY KEY, product bigint NOT NULL,
                    CONSTRAINT orders_product FOREIGN KEY (product) REFERENCES products) PARTITION BY LIST (id);
                CREATE TABLE orders_2 PARTITION OF orders FOR VALUES IN (2);
                ALTER TABLE orders DETACH PARTITION orders_2;
                INSERT INTO products VALUES (1), (2);
                INSERT INTO orders_2 VALUES (2, 1);
                """);
        server.restartWith(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES));
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        for (String database : server.connectableDatabases()) {
            assertThat(server.queryValue(database, INCONSISTENT_KEYS)).as(database).isEqualTo("0");
        }
        assertThat(server.queryValue("shop", KEYS_OF_DETACHED_TABLE)).as("the detached table has its own key")
                .isEqualTo("1");
    }

    /** Whatever failed, no table is left without its key. */
    @Override
    protected void verifyConsistent(PostgresServer server) throws Exception {
        assertThat(server.queryValue("shop", KEYS_OF_DETACHED_TABLE)).as("keys of the detached table").isEqualTo("1");
    }
}
