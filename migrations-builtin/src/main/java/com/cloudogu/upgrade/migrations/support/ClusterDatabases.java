package com.cloudogu.upgrade.migrations.support;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases of a cluster as {@code pg_database} lists them, including those that refuse
 * connections ({@code template0}), and temporary access to the latter.
 */
public final class ClusterDatabases {

    /** The template database PostgreSQL keeps pristine; it must refuse connections. */
    public static final String TEMPLATE0 = "template0";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDatabases.class);

    private ClusterDatabases() {
    }

    /**
     * A database of the cluster.
     *
     * @param name the name as stored in the catalog
     * @param allowsConnections {@code pg_database.datallowconn}
     */
    public record Database(String name, boolean allowsConnections) {

        /**
         * @return whether a migration must allow connections before it can enter: the database refuses
         *     them, or it is {@code template0}, which must refuse them again afterwards even if an
         *     interrupted run left it open
         */
        public boolean needsTemporaryAccess() {
            return !allowsConnections || TEMPLATE0.equals(name);
        }
    }

    /**
     * @param server the cluster
     * @return every valid database, in name order; a database left invalid by an interrupted
     *     {@code DROP DATABASE} ({@code datconnlimit = -2}) cannot be entered and is left out
     * @throws SQLException if the catalog could not be read
     */
    public static List<Database> all(DatabaseServer server) throws SQLException {
        List<Database> databases = new ArrayList<>();
        try (Connection connection = server.connect(anyConnectable(server));
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT datname, datallowconn FROM pg_catalog.pg_database"
                        + " WHERE datconnlimit <> -2 ORDER BY datname COLLATE \"C\"")) {
            while (rows.next()) {
                databases.add(new Database(rows.getString(1), rows.getBoolean(2)));
            }
        }
        return databases;
    }

    /**
     * @param server the cluster
     * @return a database to read shared catalogs from: {@code postgres} or {@code template1} when
     *     they accept connections, else the first connectable one
     * @throws SQLException if no database accepts connections or the list could not be read
     */
    public static String anyConnectable(DatabaseServer server) throws SQLException {
        List<String> connectable = server.connectableDatabases();
        for (String preferred : List.of("postgres", "template1")) {
            if (connectable.contains(preferred)) {
                return preferred;
            }
        }
        if (connectable.isEmpty()) {
            throw new SQLException("No database of the cluster accepts connections");
        }
        return connectable.get(0);
    }

    /**
     * Lets a database accept connections until the returned handle is closed; closing makes it refuse
     * them again, also when the work in between failed. Use it in a try-with-resources block that
     * opens the connection to the database after it, so that connection is closed first.
     *
     * @param server the cluster
     * @param database the database, e.g. {@code template0}
     * @return the handle that restores the flag
     * @throws SQLException if the flag could not be changed
     */
    public static TemporaryAccess allowConnections(DatabaseServer server, String database) throws SQLException {
        // The connection that will close the database again is opened first and kept: restoring the
        // flag must never depend on getting a new connection after the work failed.
        Connection admin = server.connect(anyConnectable(server));
        try {
            setAllowConnections(admin, database, true);
        } catch (SQLException e) {
            admin.close();
            throw e;
        }
        LOG.info("database {} accepts connections for the duration of a migration step", database);
        return new TemporaryAccess(admin, database);
    }

    private static void setAllowConnections(Connection admin, String database, boolean allow) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + SqlNames.identifier(database) + " ALLOW_CONNECTIONS " + allow);
        }
    }

    /** Restores {@code ALLOW_CONNECTIONS false} on close. */
    public static final class TemporaryAccess implements AutoCloseable {

        private final Connection admin;
        private final String database;

        private TemporaryAccess(Connection admin, String database) {
            this.admin = admin;
            this.database = database;
        }

        /**
         * Makes the database refuse connections again.
         *
         * @throws SQLException if that failed; the message says how to do it by hand
         */
        @Override
        public void close() throws SQLException {
            try (Connection c = admin) {
                setAllowConnections(c, database, false);
                LOG.info("database {} refuses connections again", database);
            } catch (SQLException e) {
                // Leaving template0 open is a lasting change to the cluster: say how to undo it.
                LOG.error("database {} still accepts connections; run ALTER DATABASE {} ALLOW_CONNECTIONS false",
                        database, SqlNames.identifier(database), e);
                throw new SQLException("Could not make database " + database + " refuse connections again; run ALTER"
                        + " DATABASE " + SqlNames.identifier(database) + " ALLOW_CONNECTIONS false: " + e.getMessage(),
                        e.getSQLState(), e);
            }
        }
    }
}
