package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.migrations.support.SqlNames;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Small SQL helpers for tests that look at a cluster from outside the migration. */
final class TestDatabases {

    /** A database name with a space, quotes, capitals and non-ASCII letters. */
    static final String AWKWARD_DATABASE = "Kunden \"Österreich\" DB";

    private TestDatabases() {
    }

    static void createDatabase(PostgresServer server, String name) throws SQLException {
        server.execute("postgres", "CREATE DATABASE " + SqlNames.identifier(name));
    }

    /** Connects as another (login) role; the testkit's clusters trust local TCP connections. */
    static Connection connectAs(PostgresServer server, String database, String role) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        return DriverManager.getConnection(server.jdbcUrl(database), properties);
    }

    static List<String> queryAs(PostgresServer server, String database, String role, String sql) throws SQLException {
        try (Connection connection = connectAs(server, database, role)) {
            return column(connection, sql);
        }
    }

    static List<String> column(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    static boolean template0AllowsConnections(PostgresServer server) throws SQLException {
        return Boolean.parseBoolean(server.queryValue("postgres",
                "SELECT datallowconn::text FROM pg_database WHERE datname = 'template0'"));
    }

    /** Runs a query in template0, opening it for the duration like an administrator would. */
    static List<String> queryInTemplate0(PostgresServer server, String sql) throws SQLException {
        server.execute("postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS true");
        try (Connection connection = server.connect("template0")) {
            return column(connection, sql);
        } finally {
            server.execute("postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS false");
        }
    }

    static void executeInTemplate0(PostgresServer server, String sql) throws SQLException {
        server.execute("postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS true");
        try {
            server.execute("template0", sql);
        } finally {
            server.execute("postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS false");
        }
    }
}
