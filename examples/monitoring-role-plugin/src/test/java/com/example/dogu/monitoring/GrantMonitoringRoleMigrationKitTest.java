package com.example.dogu.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.compat.MigrationCompatibilityKit;
import java.util.List;

/**
 * The migration through dogu-upgrade's compatibility kit on four PostgreSQL majors: it is
 * discoverable, applies, changes nothing on a second run, is skipped by its marker, and a failure
 * (a refused connection, or a role of the same name that can log in) leaves the marker unset and
 * nothing half done.
 */
class GrantMonitoringRoleMigrationKitTest extends MigrationCompatibilityKit {

    private static final String LOCKED_DATABASE = "Inventory \"2024\"";
    private static final List<String> DATABASES = List.of("postgres", "shop", LOCKED_DATABASE);

    @Override
    protected Migration migration() {
        return new GrantMonitoringRoleMigration();
    }

    @Override
    protected List<Integer> supportedMajors() {
        return List.of(12, 14, 16, 18);
    }

    /** A dogu's cluster: application databases, one of them closed to PUBLIC. */
    @Override
    protected void prepare(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE DATABASE shop");
        server.execute("postgres", "CREATE DATABASE \"Inventory \"\"2024\"\"\"");
        server.execute("postgres", "REVOKE CONNECT ON DATABASE \"Inventory \"\"2024\"\"\" FROM PUBLIC");
    }

    @Override
    protected void verifyApplied(PostgresServer server) throws Exception {
        assertEquals("false", server.queryValue("postgres",
                "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'dogu_monitoring'"), "role can log in");
        assertEquals("true", server.queryValue("postgres",
                "SELECT pg_has_role('dogu_monitoring', 'pg_monitor', 'MEMBER')::text"), "member of pg_monitor");
        for (String database : DATABASES) {
            assertEquals("true", canConnect(server, database), "CONNECT on " + database);
        }
    }

    /** All or nothing: a failed run never leaves the locked database half granted. */
    @Override
    protected void verifyConsistent(PostgresServer server) throws Exception {
        String roleExists = server.queryValue("postgres",
                "SELECT count(*)::text FROM pg_roles WHERE rolname = 'dogu_monitoring'");
        if (roleExists.equals("1")) {
            assertEquals("false", canConnect(server, LOCKED_DATABASE), "no CONNECT granted by a failed run");
        }
    }

    /** A role of the same name that can log in: the migration must refuse to adopt it. */
    @Override
    protected boolean breakServer(PostgresServer server) throws Exception {
        server.execute("postgres", "CREATE ROLE dogu_monitoring LOGIN");
        return true;
    }

    @Override
    protected void repairServer(PostgresServer server) throws Exception {
        server.execute("postgres", "DROP ROLE dogu_monitoring");
    }

    private static String canConnect(PostgresServer server, String database) throws Exception {
        return server.queryValue("postgres", "SELECT has_database_privilege('dogu_monitoring', '"
                + database.replace("'", "''") + "', 'CONNECT')::text");
    }
}
