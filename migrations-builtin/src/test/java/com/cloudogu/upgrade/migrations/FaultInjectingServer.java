package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.testkit.ForwardingDatabaseServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A server whose next connection to chosen databases fails, to interrupt a migration half way. */
final class FaultInjectingServer extends ForwardingDatabaseServer {

    private final Map<String, Integer> connectsBeforeFailure = new ConcurrentHashMap<>();

    FaultInjectingServer(DatabaseServer delegate) {
        super(delegate);
    }

    /**
     * Lets {@code succeeding} connections to the database through, makes the next one throw, and
     * lets later ones through again.
     */
    FaultInjectingServer failConnectTo(String database, int succeeding) {
        connectsBeforeFailure.put(database, succeeding);
        return this;
    }

    @Override
    public Connection connect(String database) throws SQLException {
        Integer left = connectsBeforeFailure.computeIfPresent(database, (db, n) -> n - 1);
        if (left != null && left < 0) {
            connectsBeforeFailure.remove(database);
            throw new SQLException("connection to " + database + " refused (fault injected by the test)", "08004");
        }
        return delegate().connect(database);
    }
}
