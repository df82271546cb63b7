package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.api.state.StateStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MigrationContext} a migration gets in tests: a server, a state store, the versions of
 * the upgrade, no pending restore. Everything the migration {@link #report reports} is kept.
 */
public final class TestMigrationContext implements MigrationContext {

    private static final Logger LOG = LoggerFactory.getLogger(TestMigrationContext.class);

    private final DatabaseServer server;
    private final StateStore state;
    private final Optional<DoguVersion> from;
    private final Optional<DoguVersion> to;
    private final List<String> reports = new CopyOnWriteArrayList<>();

    /**
     * @param server the server the migration runs against (e.g. a {@link com.cloudogu.upgrade.testkit.PostgresServer})
     * @param state the state store (markers)
     * @param from the version upgraded from, empty for a start without upgrade
     * @param to the version upgraded to, empty for a start without upgrade
     */
    public TestMigrationContext(DatabaseServer server, StateStore state, Optional<DoguVersion> from,
                                Optional<DoguVersion> to) {
        this.server = Objects.requireNonNull(server, "server");
        this.state = Objects.requireNonNull(state, "state");
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
    }

    @Override
    public Optional<DoguVersion> from() {
        return from;
    }

    @Override
    public Optional<DoguVersion> to() {
        return to;
    }

    /** @return the state store behind {@link #state(String)}, where the runner keeps markers */
    public StateStore store() {
        return state;
    }

    @Override
    public Optional<String> state(String key) {
        if (MigrationRules.SECRET_KEYS.contains(key)) {
            throw new IllegalArgumentException("state key '" + key + "' is not readable by migrations");
        }
        return state.get(key);
    }

    @Override
    public DatabaseServer server() {
        return server;
    }

    @Override
    public void report(String message) {
        LOG.info("report: {}", message);
        reports.add(message);
    }

    /** @return every message reported so far, in order */
    public List<String> reports() {
        return List.copyOf(reports);
    }
}
