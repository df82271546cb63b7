package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.backup.MethodRecord;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.restore.StatisticsRefresh;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's restore step, run before the migrations on the fresh cluster: restores the verified
 * backup in its format, refreshes planner statistics (a restored cluster has none), promotes the
 * cluster and clears {@code migration_backup_path} — from then on the restored cluster counts. It
 * reports as {@value #ID}, the id it had as a built-in migration until 0.2 (events, log lines and the
 * checkpoint {@code migration.01-restore.finished}), so listeners, logs and fault tests see no change.
 */
final class RestoreStep {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreStep.class);
    /** The subject of the step's events. */
    static final String ID = "01-restore";
    static final String DESCRIPTION = "Restore the full backup of the previous major into the new cluster and refresh"
            + " statistics";

    /** What the restore procedure does once the backup is in (it knows the target and the old cluster). */
    interface Completion {

        /** Runs after the restore and the statistics, before the backup path is cleared: promote the target. */
        void promote();

        /** Runs once the backup path is cleared: the restored cluster is the one that counts from now on. */
        void afterCleared();
    }

    private final StateStore state;
    private final EventDispatcher events;
    private final int jobs;

    /**
     * @param state where the backup path is cleared
     * @param events receives the step's events
     * @param jobs connections at once for the statistics
     */
    RestoreStep(StateStore state, EventDispatcher events, int jobs) {
        this.state = state;
        this.events = events;
        this.jobs = jobs;
    }

    /**
     * @param backup the verified backup, with its format
     * @param server the temporary server on the fresh cluster
     * @param completion what follows a successful restore
     * @throws UpgradeException {@code Migration 01-restore failed: <why>}, with the code of the cause
     *     ({@link ErrorCode#MIGRATION_FAILED} for an unexpected one); the backup path is then kept
     */
    void run(RestoreProcedure.Verified backup, TemporaryServer server, Completion completion) {
        long t0 = System.nanoTime();
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_STARTED, ID, Duration.ZERO, DESCRIPTION));
        LOG.info("migration {} started: {}", ID, DESCRIPTION);
        try {
            recordMethod(backup, server);
            backup.format().restore(backup.file(), backup.manifest(), server);
            refreshStatistics(server, backup.format().carriedStatistics());
            Checkpoint.RESTORE_BEFORE_COMPLETE.reach();
            completion.promote();
            state.remove(StateKeys.MIGRATION_BACKUP_PATH);
            LOG.info("restore complete; {} cleared", StateKeys.MIGRATION_BACKUP_PATH);
            completion.afterCleared();
        } catch (UpgradeException e) {
            throw failed(t0, e.getMessage(), e.code(), e);
        } catch (Exception e) {
            throw failed(t0, String.valueOf(e.getMessage()), ErrorCode.MIGRATION_FAILED, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FINISHED, ID, took, ""));
        LOG.info("migration {} finished in {} ms", ID, took.toMillis());
        Checkpoint.RESTORE_STEP_FINISHED.reach();
    }

    /** Says, and records in the target, how the cluster crosses the major; a format may say more (pg-upgrade's rung). */
    private void recordMethod(RestoreProcedure.Verified backup, TemporaryServer server) {
        MethodRecord record = MethodRecord.forBackup(backup.manifest());
        LOG.info("upgrade method: {}", record.line());
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.STEP, "upgrade-method", Duration.ZERO, record.line()));
        // the record is a report: a server without a data directory of its own (a test double) goes without
        java.util.Optional.ofNullable(server.dataDirectory()).ifPresent(d -> record.writeQuietlyTo(d.path()));
    }

    /**
     * A restored cluster has no planner statistics: every database is analyzed before a client connects.
     * When the restore carried them over (pg_upgrade from 18 on), only relations without any are, as
     * {@code vacuumdb --missing-stats-only} would: those pg_upgrade does not carry (extended statistics)
     * and those that never had any.
     */
    private void refreshStatistics(TemporaryServer server, boolean onlyMissing) {
        long t0 = System.nanoTime();
        StatisticsRefresh refresh = new StatisticsRefresh(server, jobs);
        String message;
        if (onlyMissing) {
            int analyzed = refresh.missingOnly();
            message = "statistics carried over by pg_upgrade; " + analyzed + " relation(s) without any analyzed in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms";
        } else {
            int analyzed = refresh.everything();
            message = "statistics refreshed in every database in " + (System.nanoTime() - t0) / 1_000_000 + " ms ("
                    + analyzed + " relations, " + jobs + " connection(s) at once)";
        }
        LOG.info("{}", message);
        // Subject "migration", as the step reported it while it was a migration.
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.STEP, "migration", Duration.ZERO, message));
    }

    private UpgradeException failed(long t0, String message, ErrorCode code, Exception cause) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String text = "Migration " + ID + " failed: " + message;
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.MIGRATION_FAILED, ID, took, text));
        return new UpgradeException(code, text, cause);
    }
}
