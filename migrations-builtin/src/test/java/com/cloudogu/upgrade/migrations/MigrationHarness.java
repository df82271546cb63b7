package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.phase.MigrationRunner;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs migrations the way the engine does ({@link MigrationRunner}: marker, then {@code appliesTo},
 * then {@code migrate}, then marker set) against a test server, and records what they reported.
 */
final class MigrationHarness implements MigrationContext {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationHarness.class);

    private final DatabaseServer server;
    private final StateStore state;
    private final Optional<DoguVersion> from;
    private final Optional<DoguVersion> to;
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();

    private MigrationHarness(DatabaseServer server, StateStore state, Optional<DoguVersion> from,
                             Optional<DoguVersion> to) {
        this.server = server;
        this.state = state;
        this.from = from;
        this.to = to;
    }

    /** A context for a restart without upgrade (no FROM/TO). */
    static MigrationHarness on(DatabaseServer server, StateStore state) {
        return new MigrationHarness(server, state, Optional.empty(), Optional.empty());
    }

    /** A context for the upgrade {@code from -> to}, e.g. {@code 16.10-1 -> 17.6-1}. */
    static MigrationHarness upgrade(DatabaseServer server, StateStore state, String from, String to) {
        return new MigrationHarness(server, state, Optional.of(DoguVersion.parse(from)),
                Optional.of(DoguVersion.parse(to)));
    }

    /** Runs the migrations through the engine's runner; throws what the runner throws. */
    MigrationHarness run(Migration... migrations) {
        EventDispatcher dispatcher = new EventDispatcher();
        dispatcher.add(events::add);
        new MigrationRunner(state, dispatcher).run(List.of(migrations), this);
        return this;
    }

    /** @return the ids of migrations the runner started (appliesTo said yes) */
    List<String> started() {
        return events.stream().filter(e -> e.type() == UpgradeEvent.Type.MIGRATION_STARTED)
                .map(UpgradeEvent::subject).toList();
    }

    /** @return the ids of migrations the runner skipped (marker or appliesTo) */
    List<String> skipped() {
        return events.stream().filter(e -> e.type() == UpgradeEvent.Type.MIGRATION_SKIPPED)
                .map(UpgradeEvent::subject).toList();
    }

    List<String> reports() {
        return List.copyOf(reports);
    }

    void clear() {
        reports.clear();
        events.clear();
    }

    @Override
    public Optional<DoguVersion> from() {
        return from;
    }

    @Override
    public Optional<DoguVersion> to() {
        return to;
    }

    @Override
    public Optional<String> state(String key) {
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
}
