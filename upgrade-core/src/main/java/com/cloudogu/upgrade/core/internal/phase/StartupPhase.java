package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.layout.NewDataDirectory;
import com.cloudogu.upgrade.core.internal.layout.OldClusterScan;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.restore.RestoreInterruptedException;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * startup, on every container start before the official entrypoint: wait (with a timeout) while an
 * upgrade runs, end at once if it failed, then restore a pending backup or initialize a fresh
 * cluster. With nothing pending it reads two state keys and returns.
 */
public final class StartupPhase {

    private static final Logger LOG = LoggerFactory.getLogger(StartupPhase.class);
    static final String NAME = "startup";

    private final PhaseEnvironment env;
    private final StartupRestore restore;
    private final Initdb initdb;

    /** @param env the phase environment */
    public StartupPhase(PhaseEnvironment env) {
        this(env, StartupRestore.of(env), Initdb.of(env));
    }

    /**
     * @param env the phase environment
     * @param restore restores the recorded backup
     * @param initdb initializes a fresh cluster
     */
    StartupPhase(PhaseEnvironment env, StartupRestore restore, Initdb initdb) {
        this.env = env;
        this.restore = restore;
        this.initdb = initdb;
    }

    /** Runs the phase. */
    public void run() {
        waitForUpgrade();
        Optional<String> backupPath = env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank());
        DataDirectory data = env.data();
        if (backupPath.isEmpty() && data.isInitialized()) {
            UnfinishedRestore.refuseTarget(data, NAME);
            // Nothing pending. A run killed after its restore may have left its temporary server or
            // the old copies behind: cheap to check (a stat and a directory listing), so always do.
            restore.cleanUpAfterInterruption(data);
            LOG.debug("startup: nothing pending");
            return;
        }
        env.runPhase(NAME, () -> {
            try (PhaseLock lock = PhaseLock.acquire(env.settings().lockFile(), NAME)) {
                // Discover first: a broken plugin jar fails here, before the restore or initdb starts.
                env.migrations();
                if (backupPath.isPresent()) {
                    restoreRecordingFailure();
                } else if (!env.data().isInitialized()) {
                    freshInstall(data);
                }
            }
        });
    }

    /**
     * Restores the recorded backup. A restore that ends with an error (psql or pg_restore stopped, a
     * migration failed, the volume is full ...) is recorded as {@code local_state=failed: <reason>}, so
     * the next start ends at once instead of redoing an O(size) restore that fails again; a kill or
     * crash records nothing, so the next start resumes from a fresh cluster. Not recorded either: an
     * error after the restore and its migrations completed (removing the old cluster), which the next
     * start finishes.
     */
    private void restoreRecordingFailure() {
        ShutdownWatch shutdown = ShutdownWatch.install();
        try {
            restore.restoreRecordedBackup();
        } catch (RuntimeException e) {
            if (RestoreInterruptedException.isCauseOf(e) || shutdown.signalled()) {
                LOG.warn("the restore was interrupted, not failed: nothing is recorded, the next start restores again");
            } else if (restore.migrationFailed() || restorePendingAfter(e)) {
                env.recordFailure(e instanceof UpgradeException ? e.getMessage() : NAME + " failed unexpectedly: " + e);
                LOG.error("the failure is recorded (local_state=failed: ...): the next start ends at once with it and"
                        + " says what to do");
            }
            throw e;
        } finally {
            shutdown.remove();
        }
    }

    /** Tells whether the JVM began to shut down (SIGTERM, SIGINT): a failure then is an interruption. */
    private static final class ShutdownWatch {
        private final Thread hook;
        private volatile boolean signalled;

        private ShutdownWatch() {
            hook = new Thread(() -> signalled = true, "dogu-upgrade-shutdown-watch");
        }

        static ShutdownWatch install() {
            ShutdownWatch w = new ShutdownWatch();
            Runtime.getRuntime().addShutdownHook(w.hook);
            return w;
        }

        boolean signalled() {
            return signalled;
        }

        void remove() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private boolean restorePendingAfter(RuntimeException failure) {
        try {
            return restorePending();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return false; // the state store fails: recording the failure would fail as well
        }
    }

    private boolean restorePending() {
        return env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank()).isPresent();
    }

    private void waitForUpgrade() {
        long t0 = System.nanoTime();
        long nextLog = t0;
        boolean waited = false;
        Duration timeout = env.settings().waitTimeout();
        while (true) {
            String state = env.state().get(StateKeys.LOCAL_STATE).orElse("");
            if (state.startsWith(StateKeys.FAILED_PREFIX)) {
                throw UnfinishedRestore.failedEarlier(state.substring(StateKeys.FAILED_PREFIX.length()),
                        restorePending());
            }
            long now = System.nanoTime();
            if (!StateKeys.UPGRADING.equals(state)) {
                if (waited) {
                    LOG.info("upgrade finished after {} s of waiting", (now - t0) / 1_000_000_000);
                }
                return;
            }
            if (now - t0 > timeout.toNanos()) {
                throw new UpgradeException(ErrorCode.TIMEOUT, "Waited " + timeout.toSeconds() + " s for the running"
                        + " upgrade (local_state=upgrading) to finish. Check post-upgrade's log; raise the limit with"
                        + " --wait-timeout.");
            }
            if (now >= nextLog) {
                LOG.info("waiting for the upgrade to finish (local_state=upgrading), {} s so far", (now - t0) / 1_000_000_000);
                nextLog = now + Duration.ofSeconds(10).toNanos();
            }
            waited = true;
            try {
                Thread.sleep(env.settings().pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpgradeException(ErrorCode.TIMEOUT, "Interrupted while waiting for the upgrade.", e);
            }
        }
    }

    private void freshInstall(DataDirectory data) {
        if (!data.isEmpty()) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " is neither empty nor a"
                    + " PostgreSQL cluster and no backup is recorded; refusing to initialize over it.");
        }
        // An empty PGDATA next to an old cluster is an upgrade that did not run or was taken back, not
        // a fresh install: serving an empty cluster would hide the data (the official 18 image refuses too).
        List<Path> others = OldClusterScan.around(data.path(),
                env.state().get(StateKeys.MIGRATION_OLD_PGDATA).filter(v -> !v.isBlank()).map(Path::of));
        if (!others.isEmpty()) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " is empty but the volume"
                    + " holds a cluster in " + others + " and no restore is recorded; refusing a fresh install over an"
                    + " upgrade that did not run. Start the old image on its cluster, or run the upgrade: pre-upgrade"
                    + " FROM TO in the old container, then post-upgrade. Nothing was changed.");
        }
        ServerOwner owner = env.owner();
        NewDataDirectory.ensure(data.path(), owner);
        initdb.initialize(data, ClusterSettings.DEFAULT, owner.name(), env.state().get(StateKeys.PASSWORD));
        // A fresh cluster of this image needs none of the repairs: count them as applied.
        for (Migration m : env.migrations()) {
            m.marker().ifPresent(k -> env.state().set(k, MigrationRules.MARKER_DONE));
        }
        LOG.info("fresh install: initialized {} and marked all migrations as applied", data.path());
    }
}
