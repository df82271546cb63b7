package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.migration.MigrationRunner;
import com.cloudogu.upgrade.testkit.compat.TestMigrationContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs built-in migrations through the engine's own {@link MigrationRunner} over the testkit's
 * {@link TestMigrationContext}, and records the runner's events. Also usable as the context itself,
 * to call {@code appliesTo}/{@code migrate} directly.
 */
final class MigrationHarness implements MigrationContext {

    private final TestMigrationContext context;
    private final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();

    private MigrationHarness(TestMigrationContext context) {
        this.context = context;
    }

    /** A context for a restart without upgrade (no FROM/TO). */
    static MigrationHarness on(DatabaseServer server, StateStore state) {
        return new MigrationHarness(new TestMigrationContext(server, state, Optional.empty(), Optional.empty()));
    }

    /** A context for the upgrade {@code from -> to}, e.g. {@code 16.10-1 -> 17.6-1}. */
    static MigrationHarness upgrade(DatabaseServer server, StateStore state, String from, String to) {
        return new MigrationHarness(new TestMigrationContext(server, state, Optional.of(DoguVersion.parse(from)),
                Optional.of(DoguVersion.parse(to))));
    }

    /** Runs the migrations through the engine's runner; throws what the runner throws. */
    MigrationHarness run(Migration... migrations) {
        new MigrationRunner(context.store(), events::add).run(List.of(migrations), this);
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

    /** @return what the migrations reported, in order */
    List<String> reports() {
        return context.reports();
    }

    @Override
    public Optional<DoguVersion> from() {
        return context.from();
    }

    @Override
    public Optional<DoguVersion> to() {
        return context.to();
    }

    @Override
    public Optional<String> state(String key) {
        return context.state(key);
    }

    @Override
    public DatabaseServer server() {
        return context.server();
    }

    @Override
    public void report(String message) {
        context.report(message);
    }
}
