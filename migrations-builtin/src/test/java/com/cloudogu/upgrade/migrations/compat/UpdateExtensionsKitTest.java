package com.cloudogu.upgrade.migrations.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.migrations.UpdateExtensionsMigration;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.compat.MigrationCompatibilityKit;
import java.util.List;

/**
 * 04 through the compatibility kit on three majors, in a major upgrade (the kit's default FROM/TO):
 * extensions installed at old versions are updated in every database. 04 has no marker (it is needed
 * after every major upgrade), so the kit reports its marker check as not applicable.
 */
class UpdateExtensionsKitTest extends MigrationCompatibilityKit {

    private static final String OUTDATED = "SELECT count(*) FROM pg_catalog.pg_extension e"
            + " JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname"
            + " WHERE e.extversion <> a.default_version";

    @Override
    protected Migration migration() {
        return new UpdateExtensionsMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(13, 15, 17);
    }

    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE EXTENSION hstore VERSION '1.4'; CREATE EXTENSION pg_trgm");
        server.execute("postgres", "CREATE DATABASE \"Kunden DB\"");
        server.execute("Kunden DB", "CREATE SCHEMA \"Erweiterungen\"; CREATE EXTENSION citext VERSION '1.4'"
                + " SCHEMA \"Erweiterungen\"");
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        for (String database : server.connectableDatabases()) {
            assertThat(server.queryValue(database, OUTDATED)).as(database).isEqualTo("0");
        }
    }
}
