package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A well-behaved migration for the kit's own tests: creates the table {@code kit_audit.events} in
 * every connectable database except {@code template1}, one transaction per database.
 */
public class AuditTableMigration implements Migration {

    static final String MARKER = "kit_audit_tables_created";
    static final String EXISTS = "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE n.nspname = 'kit_audit' AND c.relname = 'events'";

    @Override
    public String id() {
        return "50-create-audit-tables";
    }

    @Override
    public String description() {
        return "Create the table kit_audit.events in every database";
    }

    @Override
    public Optional<String> marker() {
        return Optional.of(MARKER);
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws Exception {
        return !missing(context).isEmpty();
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        for (String database : missing(context)) {
            try (Connection connection = context.server().connect(database);
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("CREATE SCHEMA IF NOT EXISTS kit_audit");
                statement.execute("CREATE TABLE IF NOT EXISTS kit_audit.events (id bigint PRIMARY KEY, what text NOT NULL)");
                connection.commit();
            }
            context.report("created kit_audit.events in database " + database);
        }
    }

    List<String> missing(MigrationContext context) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String database : context.server().connectableDatabases()) {
            if (database.equals("template1")) {
                continue;
            }
            try (Connection connection = context.server().connect(database);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(EXISTS)) {
                rows.next();
                if (rows.getInt(1) == 0) {
                    missing.add(database);
                }
            }
        }
        return missing;
    }
}
