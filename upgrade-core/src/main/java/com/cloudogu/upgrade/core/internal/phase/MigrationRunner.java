package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs migrations in order: a set marker skips one, {@code appliesTo} may skip it, and the marker is
 * set only after the migration succeeded. The first failure stops the run.
 */
public final class MigrationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);

    private final StateStore state;
    private final EventDispatcher events;

    /**
     * @param state where markers live
     * @param events receives migration events
     */
    public MigrationRunner(StateStore state, EventDispatcher events) {
        this.state = state;
        this.events = events;
    }

    /**
     * @param migrations ordered migrations
     * @param context the context handed to each
     */
    public void run(List<Migration> migrations, MigrationContext context) {
        for (Migration m : migrations) {
            Optional<String> marker = m.marker();
            if (marker.isPresent() && "true".equals(state.get(marker.get()).orElse(null))) {
                skip(m, "marker " + marker.get() + " is set");
                continue;
            }
            long t0 = System.nanoTime();
            try {
                if (!m.appliesTo(context)) {
                    skip(m, "does not apply");
                    continue;
                }
                events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_STARTED, m.id(), Duration.ZERO, m.description()));
                LOG.info("migration {} started: {}", m.id(), m.description());
                m.migrate(context);
                marker.ifPresent(k -> state.set(k, "true"));
            } catch (UpgradeException e) {
                throw failed(m, t0, e.getMessage(), e.code(), e);
            } catch (Exception e) {
                throw failed(m, t0, String.valueOf(e.getMessage()), ErrorCode.MIGRATION_FAILED, e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FINISHED, m.id(), took, ""));
            LOG.info("migration {} finished in {} ms", m.id(), took.toMillis());
            Checkpoints.reach("migration." + m.id() + ".finished");
        }
    }

    private void skip(Migration m, String why) {
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_SKIPPED, m.id(), Duration.ZERO, why));
        LOG.info("migration {} skipped: {}", m.id(), why);
    }

    private UpgradeException failed(Migration m, long t0, String message, ErrorCode code, Exception cause) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String text = "Migration " + m.id() + " failed: " + message;
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FAILED, m.id(), took, text));
        return new UpgradeException(code, text, cause);
    }
}
