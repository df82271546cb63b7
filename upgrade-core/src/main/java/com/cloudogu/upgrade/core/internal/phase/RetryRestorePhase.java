package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.restore.RestoreTarget;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.StaleServer;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * retry-restore, in the new container after the cause of a failed restore was fixed: verifies the
 * recorded backup (it is kept), discards the partial restore target and clears the recorded failure,
 * so that the next start restores again from a fresh cluster. Refused while an upgrade runs, and when
 * no restore is pending (the restore completed and a later step failed: post-upgrade again).
 */
public final class RetryRestorePhase {

    private static final Logger LOG = LoggerFactory.getLogger(RetryRestorePhase.class);
    static final String NAME = "retry-restore";

    private final PhaseEnvironment env;
    private final RestoreProcedure restore;

    /** @param env the phase environment, which supplies the collaborators */
    public RetryRestorePhase(PhaseEnvironment env) {
        this(env, new RestoreProcedure(env));
    }

    /**
     * @param env the phase environment
     * @param restore verifies the kept backup
     */
    RetryRestorePhase(PhaseEnvironment env, RestoreProcedure restore) {
        this.env = env;
        this.restore = restore;
    }

    /** Runs the phase. */
    public void run() {
        env.runPhase(NAME, () -> {
            try (PhaseLock lock = PhaseLock.acquire(env.settings().lockFile(), NAME)) {
                retry();
            }
        });
    }

    private void retry() {
        String localState = env.state().get(StateKeys.LOCAL_STATE).orElse("");
        if (StateKeys.UPGRADING.equals(localState)) {
            throw refused("an upgrade is running (local_state=upgrading): post-upgrade has not finished. Wait for it;"
                    + " if it failed, its failure is recorded and retry-restore can clear it then.");
        }
        Optional<String> failure = UnfinishedRestore.recordedFailure(env.state());
        Optional<String> backup = env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank());
        DataDirectory data = env.data();
        if (backup.isEmpty()) {
            if (failure.isPresent()) {
                throw refused("no restore is pending (" + StateKeys.MIGRATION_BACKUP_PATH + " is unset): the restore"
                        + " completed and a later step failed: " + failure.get() + " Fix the cause and run post-upgrade"
                        + " FROM TO again; it runs the pending migrations on the restored cluster.");
            }
            UnfinishedRestore.refuseTarget(data, NAME);
            LOG.info("nothing to retry: no restore and no failure is recorded");
            return;
        }
        // The backup must still be intact: a retry that would fail on it is no retry.
        RestoreProcedure.Verified verified = restore.verifyRecordedBackup().orElseThrow();
        PostgresInstallation installation = env.installation();
        if (Files.isRegularFile(data.path().resolve("postmaster.pid"))) {
            new StaleServer(data, env.owner(), env.runner(), installation).stopIfOurs();
        }
        new RestoreTarget(data, installation.major(), env.owner()).discardPartial();
        if (failure.isPresent()) {
            env.state().remove(StateKeys.LOCAL_STATE);
            LOG.info("cleared the recorded failure ({}); the next start restores {} into a fresh cluster; the backup"
                    + " is kept", failure.get(), verified.file());
        } else {
            LOG.info("no failure is recorded; the restore of {} is pending and runs on the next start", verified.file());
        }
    }

    private static UpgradeException refused(String why) {
        return new UpgradeException(ErrorCode.UPGRADE_FAILED, "retry-restore refused: " + why);
    }
}
