package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DatabaseServer} that counts the connections a migration opens and can refuse one of them,
 * to interrupt the migration part-way as a crashed or restarted server would.
 */
final class FaultInjectingServer implements DatabaseServer {

    /** The SQLSTATE of the injected failure: connection failure, as a stopped server gives. */
    static final String SQL_STATE = "08006";

    private final DatabaseServer delegate;
    private final int failingConnection;
    private final AtomicInteger connections = new AtomicInteger();

    /**
     * @param delegate the real server
     * @param failingConnection the 0-based number of the connection to refuse, or -1 for none
     */
    FaultInjectingServer(DatabaseServer delegate, int failingConnection) {
        this.delegate = delegate;
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
        return delegate.connect(database);
    }

    @Override
    public int majorVersion() {
        return delegate.majorVersion();
    }

    @Override
    public int versionNumber() {
        return delegate.versionNumber();
    }

    @Override
    public String superuser() {
        return delegate.superuser();
    }

    @Override
    public Path shareDirectory() {
        return delegate.shareDirectory();
    }

    @Override
    public Path binDirectory() {
        return delegate.binDirectory();
    }

    @Override
    public List<String> connectableDatabases() throws SQLException {
        return delegate.connectableDatabases();
    }
}
