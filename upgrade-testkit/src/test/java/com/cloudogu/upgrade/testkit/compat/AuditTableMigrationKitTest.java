package com.cloudogu.upgrade.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.util.List;

/** The kit on a well-behaved migration: every check passes on two majors. */
class AuditTableMigrationKitTest extends MigrationCompatibilityKit {

    @Override
    protected Migration migration() {
        return new AuditTableMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(13, 17);
    }

    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE DATABASE shop");
        server.execute("postgres", "CREATE DATABASE \"Kunden DB\"");
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        for (String database : List.of("postgres", "shop", "Kunden DB")) {
            assertThat(server.queryValue(database, AuditTableMigration.EXISTS)).as(database).isEqualTo("1");
        }
    }
}
