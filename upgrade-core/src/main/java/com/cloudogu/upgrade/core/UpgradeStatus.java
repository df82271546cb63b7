package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.state.StateKeys;
import java.util.Map;
import java.util.Optional;

/**
 * The upgrade state as recorded in the state store and on disk. Holds no secrets.
 *
 * @param localState {@code local_state}: empty, {@code upgrading} or {@code failed: ...}
 * @param backupPath {@code migration_backup_path}, empty if none is pending
 * @param dataDirectory {@code PGDATA}
 * @param clusterMajor major in {@code PG_VERSION}, empty if not initialized
 * @param markers completion marker of each migration that has one -> whether it is set
 * @param oldDataDirectory {@code migration_old_pgdata}: where pre-upgrade found the old cluster, empty if unset
 * @param method how the cluster in {@code PGDATA} crossed its last major (or how the restore under way
 *     does), as recorded in the cluster; empty if nothing is recorded (a fresh install, an older version)
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record UpgradeStatus(String localState, String backupPath, String dataDirectory, String clusterMajor,
                            Map<String, Boolean> markers, String oldDataDirectory, Optional<MethodRun> method) {

    /** A status without a recorded method (as before 0.3). */
    public UpgradeStatus(String localState, String backupPath, String dataDirectory, String clusterMajor,
                         Map<String, Boolean> markers, String oldDataDirectory) {
        this(localState, backupPath, dataDirectory, clusterMajor, markers, oldDataDirectory, Optional.empty());
    }

    /**
     * How a cluster crossed a major.
     *
     * @param method {@code dump} or {@code pg-upgrade}
     * @param rung for pg-upgrade, the rung of the fallback ladder that ran: 1 pg_upgrade, 2 dump and
     *     restore from the old server started in the new container, 3 the pre-upgrade dump; 0 for dump
     * @param mode for pg-upgrade, the pg_upgrade mode (for rungs 2 and 3 the one pg_upgrade was
     *     checked in); empty for dump
     * @param reason why this method, rung and mode (for rungs 2 and 3 pg_upgrade's own reason)
     * @param from dogu version upgraded from
     * @param to dogu version upgraded to
     * @param description all of it on one line
     */
    public record MethodRun(String method, int rung, String mode, String reason, String from, String to,
                            String description) {
    }

    /**
     * @return whether an upgrade is under way: pre-upgrade marked it and no phase has finished or
     *         failed it yet ({@code local_state} is {@link StateKeys#UPGRADING})
     */
    public boolean upgrading() {
        return StateKeys.UPGRADING.equals(localState);
    }

    /**
     * @return whether a phase failed and recorded its reason ({@code local_state} starts with
     *         {@link StateKeys#FAILED_PREFIX}); startup refuses to run until it is resolved
     */
    public boolean failed() {
        return localState.startsWith(StateKeys.FAILED_PREFIX);
    }
}
