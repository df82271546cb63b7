package com.cloudogu.upgrade.migrations.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.migrations.RestrictStatVisibilityMigration;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.testkit.compat.MigrationCompatibilityKit;
import java.util.List;
import java.util.SortedMap;

/**
 * 02 through the compatibility kit, on the one major whose affected minors the testkit ships: a
 * cluster initialized by 14.10 (leaky views) running on 14.15 (which ships the fix script), as after
 * the dogu's minor update. Clusters initialized by a fixed minor have nothing to repair.
 */
class RestrictStatVisibilityKitTest extends MigrationCompatibilityKit {

    private static final String UNRESTRICTED_VIEWS = "SELECT count(*) FROM pg_catalog.pg_class c"
            + " WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relname IN ('pg_stats_ext', 'pg_stats_ext_exprs')"
            + " AND pg_catalog.pg_get_viewdef(c.oid) NOT LIKE '%pg_has_role(c.relowner%'";

    @Override
    protected Migration migration() {
        return new RestrictStatVisibilityMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(14);
    }

    @Override
    protected List<String> serverVersions() {
        return List.of(PostgresVersions.V14_BEFORE_STATS_FIX);
    }

    /** Initialized by the affected minor, then run by a fixed one. */
    @Override
    protected PostgresServer startServer(String version) {
        PostgresServer server = PostgresServer.builder(version).start();
        server.restartWith(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES));
        return server;
    }

    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE DATABASE \"Kunden DB\"");
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        for (String database : server.connectableDatabases()) {
            assertThat(server.queryValue(database, UNRESTRICTED_VIEWS)).as(database).isEqualTo("0");
        }
        assertThat(server.queryValue("postgres", "SELECT datallowconn::text FROM pg_database"
                + " WHERE datname = 'template0'")).isEqualTo("false");
    }

    /** The fingerprint does not see view definitions: add them, per database. */
    @Override
    protected SortedMap<String, String> snapshot(PostgresServer server) throws Exception {
        SortedMap<String, String> items = super.snapshot(server);
        for (String database : server.connectableDatabases()) {
            for (String view : List.of("pg_stats_ext", "pg_stats_ext_exprs")) {
                items.put("database " + database + " / view " + view, server.queryValue(database,
                        "SELECT pg_catalog.pg_get_viewdef('pg_catalog." + view + "'::regclass)"));
            }
        }
        return items;
    }
}
