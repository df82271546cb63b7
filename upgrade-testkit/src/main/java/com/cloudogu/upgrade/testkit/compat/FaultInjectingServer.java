package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.testkit.ForwardingDatabaseServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DatabaseServer} that counts the connections a migration opens and can refuse one of them,
 * to interrupt the migration part-way as a crashed or restarted server would.
 */
final class FaultInjectingServer extends ForwardingDatabaseServer {

    /** The SQLSTATE of the injected failure: connection failure, as a stopped server gives. */
    static final String SQL_STATE = "08006";

    private final int failingConnection;
    private final AtomicInteger connections = new AtomicInteger();

    /**
     * @param delegate the real server
     * @param failingConnection the 0-based number of the connection to refuse, or -1 for none
     */
    FaultInjectingServer(DatabaseServer delegate, int failingConnection) {
        super(delegate);
        this.failingConnection = failingConnection;
    }

    /** @return how many connections were asked for so far, the refused one included */
    int connections() {
        return connections.get();
    }

    @Override
    public Connection connect(String database) throws SQLException {
        int number = connections.getAndIncrement();
        if (number == failingConnection) {
            throw new SQLException("connection " + (number + 1) + " (to database " + database
                    + ") refused: failure injected by the migration compatibility kit", SQL_STATE);
        }
        return delegate().connect(database);
    }
}
