package com.cloudogu.upgrade.testkit;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A {@link DatabaseServer} that forwards everything to another one; tests override
 * {@link #connect(String)} to count, inspect or refuse the connections a migration opens.
 */
public abstract class ForwardingDatabaseServer implements DatabaseServer {

    private final DatabaseServer delegate;

    /** @param delegate the real server */
    protected ForwardingDatabaseServer(DatabaseServer delegate) {
        this.delegate = delegate;
    }

    /** @return the real server */
    protected DatabaseServer delegate() {
        return delegate;
    }

    @Override
    public Connection connect(String database) throws SQLException {
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
