package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.util.Optional;

/**
 * The decisions about a restore that did not finish, in one place so every phase makes them alike.
 *
 * <p>Invariant: no phase ends successfully on a {@code PGDATA} that carries the restore-target marker
 * while no restore is recorded — such a directory is a partial restore (an upgrade that was aborted,
 * or whose state was lost), and serving it would hide the data. A failed restore is recorded as
 * {@code local_state=failed: <reason>} while {@code migration_backup_path} stays set; the next start
 * ends at once with the reason instead of redoing the restore.
 */
final class UnfinishedRestore {

    private UnfinishedRestore() {
    }

    /**
     * @param data {@code PGDATA}
     * @param phase the phase that would otherwise go on
     * @throws UpgradeException if {@code data} carries the restore-target marker
     */
    static void refuseTarget(DataDirectory data, String phase) {
        if (data.isRestoreTarget()) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " holds a restore that"
                    + " did not finish, and no restore is recorded (was the upgrade aborted?). " + phase + " will not"
                    + " go on with it and this image will not start on it. Start the old image on its cluster, or"
                    + " retry the upgrade: pre-upgrade in the old container, then post-upgrade. Nothing was changed.");
        }
    }

    /**
     * @param state the state store
     * @return the recorded failure's reason, if {@code local_state} says {@code failed: <reason>}
     */
    static Optional<String> recordedFailure(StateStore state) {
        return state.get(StateKeys.LOCAL_STATE).filter(s -> s.startsWith(StateKeys.FAILED_PREFIX))
                .map(s -> s.substring(StateKeys.FAILED_PREFIX.length()));
    }

    /**
     * @param reason the recorded failure
     * @param restorePending whether a backup is still recorded ({@code migration_backup_path})
     * @return what startup says when it ends at once on a recorded failure
     */
    static UpgradeException failedEarlier(String reason, boolean restorePending) {
        if (restorePending) {
            return new UpgradeException(ErrorCode.UPGRADE_FAILED, "The upgrade failed and startup will not restore"
                    + " again until told to: " + reason + (reason.contains("backup and the old cluster are kept") ? ""
                    : " The backup is kept.") + " Fix the cause, then run"
                    + " 'dogu-upgrade retry-restore' (the next start restores again, from a fresh cluster), or take the"
                    + " upgrade back with 'dogu-upgrade abort' and start the old image.");
        }
        return new UpgradeException(ErrorCode.UPGRADE_FAILED, "The upgrade failed: " + reason
                + " Fix the cause and run post-upgrade again.");
    }
}
