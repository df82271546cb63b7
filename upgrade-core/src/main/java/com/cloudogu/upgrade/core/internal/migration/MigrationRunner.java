package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of the migration contract's run semantics; the engine's phases and the
 * testkit's compatibility kit both run migrations through it:
 *
 * <ol>
 *   <li>a marker holding {@link MigrationRules#MARKER_DONE} skips the migration (nothing is called);
 *   <li>{@link Migration#appliesTo} returning false skips it (the marker stays as it is);
 *   <li>{@link Migration#migrate} runs;
 *   <li>only if it returned normally, the marker is set to {@link MigrationRules#MARKER_DONE}.
 * </ol>
 */
@Api(status = Api.Status.INTERNAL, since = "0.2", consumers = "com.cloudogu.upgrade.testkit.compat")
public final class MigrationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);

    private final StateStore markers;
    private final UpgradeListener events;

    /**
     * @param markers where markers are read and written
     * @param events receives the migration events
     */
    public MigrationRunner(StateStore markers, UpgradeListener events) {
        this.markers = markers;
        this.events = events;
    }

    /** How one migration's run ended. */
    public enum Result {
        /** The marker was set: nothing was called. */
        SKIPPED_BY_MARKER,
        /** {@code appliesTo} returned false: {@code migrate} was not called. */
        NOT_APPLICABLE,
        /** {@code migrate} returned normally and the marker (if any) was set. */
        APPLIED,
        /** {@code appliesTo} or {@code migrate} threw; the marker was not touched. */
        FAILED
    }

    /**
     * @param id the migration's id
     * @param result how the run ended
     * @param failure what {@code appliesTo} or {@code migrate} threw, for {@link Result#FAILED}
     * @param took how long it ran
     */
    public record Outcome(String id, Result result, Exception failure, Duration took) {

        /** @return a one-line description for assertion messages */
        public String describe() {
            return failure == null ? id + ": " + result : id + ": " + result + " (" + failure + ")";
        }
    }

    /**
     * Runs migrations in order; the first failure stops the run.
     *
     * @param migrations ordered migrations
     * @param context the context handed to each
     * @throws UpgradeException for the first migration that failed, naming it
     */
    public void run(List<Migration> migrations, MigrationContext context) {
        for (Migration m : migrations) {
            Outcome outcome = runOne(m, context);
            if (outcome.result() == Result.FAILED) {
                Exception e = outcome.failure();
                String message = e instanceof UpgradeException ? e.getMessage() : String.valueOf(e.getMessage());
                ErrorCode code = e instanceof UpgradeException u ? u.code() : ErrorCode.MIGRATION_FAILED;
                throw new UpgradeException(code, "Migration " + m.id() + " failed: " + message, e);
            }
            if (outcome.result() == Result.APPLIED) {
                Checkpoints.reach("migration." + m.id() + ".finished");
            }
        }
    }

    /**
     * Runs one migration; a failure is returned, not thrown.
     *
     * @param m the migration
     * @param context its context
     * @return how it ended
     */
    public Outcome runOne(Migration m, MigrationContext context) {
        Optional<String> marker = m.marker();
        if (marker.isPresent() && MigrationRules.isDone(markers.get(marker.get()))) {
            return skip(m, Result.SKIPPED_BY_MARKER, "marker " + marker.get() + " is set");
        }
        long t0 = System.nanoTime();
        try {
            if (!m.appliesTo(context)) {
                return skip(m, Result.NOT_APPLICABLE, "does not apply");
            }
            events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_STARTED, m.id(), Duration.ZERO, m.description()));
            LOG.info("migration {} started: {}", m.id(), m.description());
            m.migrate(context);
            marker.ifPresent(k -> markers.set(k, MigrationRules.MARKER_DONE));
        } catch (Exception e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String text = "Migration " + m.id() + " failed: " + String.valueOf(e.getMessage());
            events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FAILED, m.id(), took, text));
            return new Outcome(m.id(), Result.FAILED, e, took);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FINISHED, m.id(), took, ""));
        LOG.info("migration {} finished in {} ms", m.id(), took.toMillis());
        return new Outcome(m.id(), Result.APPLIED, null, took);
    }

    private Outcome skip(Migration m, Result result, String why) {
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_SKIPPED, m.id(), Duration.ZERO, why));
        LOG.info("migration {} skipped: {}", m.id(), why);
        return new Outcome(m.id(), result, null, Duration.ZERO);
    }
}
