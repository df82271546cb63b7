package com.cloudogu.upgrade.migrations.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.migrations.RefreshCollationVersionsMigration;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.compat.MigrationCompatibilityKit;
import java.util.List;

/**
 * 05 through the compatibility kit on three majors. A collation library update is made the way
 * PostgreSQL sees it: the recorded version of the ICU collation an index uses is set to a value the
 * library does not report (a real library swap is impossible under a test cluster). 05 has no
 * marker (the recorded versions are the guard), so the kit reports its marker check as not applicable.
 */
class RefreshCollationVersionsKitTest extends MigrationCompatibilityKit {

    private static final String ICU = "collname = 'en-x-icu' AND collnamespace = 'pg_catalog'::regnamespace";

    @Override
    protected Migration migration() {
        return new RefreshCollationVersionsMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(12, 15, 17);
    }

    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE DATABASE \"Sortierung DB\"");
        server.execute("Sortierung DB", "CREATE TABLE \"Namen\" (id int PRIMARY KEY, name text COLLATE \"en-x-icu\");"
                + " INSERT INTO \"Namen\" SELECT g, 'n' || g FROM generate_series(1, 500) g;"
                + " CREATE INDEX \"Namen nach ICU\" ON \"Namen\" (name);"
                + " UPDATE pg_collation SET collversion = '0.0-stale' WHERE " + ICU);
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        assertThat(server.queryValue("Sortierung DB", "SELECT collversion = pg_collation_actual_version(oid)"
                + " FROM pg_collation WHERE " + ICU)).isEqualTo("t");
    }
}
