package com.example.dogu.monitoring;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gives monitoring a role of its own: {@value #ROLE}, which cannot log in, is a member of
 * {@code pg_monitor} (server statistics, {@code pg_stat_activity} of all sessions, settings) and may
 * connect to every database, including those whose {@code CONNECT} privilege was revoked from
 * {@code PUBLIC}. A monitoring agent then logs in with its own role granted {@value #ROLE}, instead of
 * as the superuser.
 *
 * <p>Idempotent: it creates and grants only what is missing, in one transaction, so a failure at any
 * point leaves nothing half done. It refuses to adopt an existing {@value #ROLE} that can log in or
 * is a superuser: that role was not made by this migration, and granting it more would be a surprise.
 * The marker {@value #MARKER} is set by the engine once it succeeded.
 */
public final class GrantMonitoringRoleMigration implements Migration {

    /** The role this migration creates. */
    public static final String ROLE = "dogu_monitoring";
    /** The completion marker in the dogu's state store. */
    public static final String MARKER = "monitoring_role_granted";

    /** Non-template databases that accept connections and that the role cannot connect to yet. */
    private static final String DATABASES_WITHOUT_CONNECT = "SELECT d.datname FROM pg_catalog.pg_database d"
            + " WHERE d.datallowconn AND NOT d.datistemplate AND CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles"
            + " WHERE rolname = ?) THEN NOT pg_catalog.has_database_privilege(?, d.oid, 'CONNECT') ELSE true END"
            + " ORDER BY d.datname COLLATE \"C\"";

    @Override
    public String id() {
        // 04: after the restore (01) and the built-in repairs (02, 03), and, as ids of equal number run
        // in id order, before 04-update-extensions.
        return "04-grant-monitoring-role";
    }

    @Override
    public String description() {
        return "Create the NOLOGIN role " + ROLE + " with pg_monitor and CONNECT on every database";
    }

    @Override
    public Optional<String> marker() {
        return Optional.of(MARKER);
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws SQLException {
        try (Connection connection = context.server().connect("postgres")) {
            return !missing(connection).isEmpty();
        }
    }

    @Override
    public void migrate(MigrationContext context) throws SQLException {
        try (Connection connection = context.server().connect("postgres")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                List<String> done = new ArrayList<>();
                Role role = role(connection);
                if (role == Role.ABSENT) {
                    statement.execute("CREATE ROLE " + ROLE + " NOLOGIN");
                    done.add("created role " + ROLE);
                } else if (role == Role.FOREIGN) {
                    throw new IllegalStateException("The role " + ROLE + " exists and can log in or is a superuser, so"
                            + " it was not created by " + id() + ". Rename or drop it, then rerun.");
                }
                if (!isMonitor(connection)) {
                    statement.execute("GRANT pg_monitor TO " + ROLE);
                    done.add("granted pg_monitor to " + ROLE);
                }
                for (String database : databasesWithoutConnect(connection)) {
                    statement.execute("GRANT CONNECT ON DATABASE " + quote(connection, database) + " TO " + ROLE);
                    done.add("granted CONNECT on database " + database + " to " + ROLE);
                }
                connection.commit();
                done.forEach(context::report);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private enum Role { ABSENT, OURS, FOREIGN }

    private static List<String> missing(Connection connection) throws SQLException {
        List<String> missing = new ArrayList<>();
        Role role = role(connection);
        if (role != Role.OURS) {
            missing.add(role == Role.ABSENT ? "role" : "a role that can log in");
        }
        if (role == Role.ABSENT || !isMonitor(connection)) {
            missing.add("pg_monitor");
        }
        missing.addAll(databasesWithoutConnect(connection));
        return missing;
    }

    private static Role role(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT rolcanlogin OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            query.setString(1, ROLE);
            try (ResultSet rows = query.executeQuery()) {
                return !rows.next() ? Role.ABSENT : rows.getBoolean(1) ? Role.FOREIGN : Role.OURS;
            }
        }
    }

    private static boolean isMonitor(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member"
                + " WHERE r.rolname = ? AND m.roleid = 'pg_monitor'::regrole)")) {
            query.setString(1, ROLE);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static List<String> databasesWithoutConnect(Connection connection) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(DATABASES_WITHOUT_CONNECT)) {
            query.setString(1, ROLE);
            query.setString(2, ROLE);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    databases.add(rows.getString(1));
                }
            }
        }
        return databases;
    }

    /** Quotes a name as the server would, whatever characters it holds. */
    private static String quote(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_catalog.quote_ident(?)")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
