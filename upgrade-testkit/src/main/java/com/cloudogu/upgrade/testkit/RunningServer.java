package com.cloudogu.upgrade.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server a test can talk to, whoever provides it (local binaries or a container).
 * Closing it stops the server and removes what the provider created for it.
 */
public interface RunningServer extends AutoCloseable {

    /** @return the PostgreSQL version that was requested, e.g. {@code 14.10.0} */
    String version();

    /** @return the server's major version, e.g. {@code 14} */
    int majorVersion();

    /** @return the superuser tests connect as */
    String superuser();

    /**
     * @param database a database name, used verbatim (no quoting needed)
     * @return a JDBC URL for that database (TCP, {@code 127.0.0.1} for local servers)
     */
    String jdbcUrl(String database);

    /**
     * Opens a new superuser connection in auto-commit mode; the caller closes it.
     *
     * @param database the database name, used verbatim
     * @return an open connection
     * @throws SQLException if connecting failed
     */
    Connection connect(String database) throws SQLException;

    /**
     * Runs SQL in its own connection (several statements separated by {@code ;} are allowed).
     *
     * @param database the database name
     * @param sql the statements
     * @throws SQLException if connecting or a statement failed
     */
    default void execute(String database, String sql) throws SQLException {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * @param database the database name
     * @param sql a query
     * @return the first column of the first row as text, or {@code null} for SQL NULL
     * @throws SQLException if the query failed or returned no row
     */
    default String queryValue(String database, String sql) throws SQLException {
        List<String> column = queryColumn(database, sql);
        if (column.isEmpty()) {
            throw new SQLException("Query returned no row: " + sql);
        }
        return column.get(0);
    }

    /**
     * @param database the database name
     * @param sql a query
     * @return the first column of every row as text ({@code null} for SQL NULL)
     * @throws SQLException if the query failed
     */
    default List<String> queryColumn(String database, String sql) throws SQLException {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    /**
     * @return the databases that accept connections, {@code template1} included, {@code template0}
     *     excluded, in name order
     * @throws SQLException if the catalog could not be read
     */
    default List<String> connectableDatabases() throws SQLException {
        return queryColumn("postgres", "SELECT datname FROM pg_database"
                + " WHERE datallowconn AND datname <> 'template0' ORDER BY datname COLLATE \"C\"");
    }

    /** Stops the server and releases what was created for it; never throws. */
    @Override
    void close();
}
