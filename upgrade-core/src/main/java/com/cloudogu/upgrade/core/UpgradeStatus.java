package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.state.StateKeys;
import java.util.Map;

/**
 * The upgrade state as recorded in the state store and on disk. Holds no secrets.
 *
 * @param localState {@code local_state}: empty, {@code upgrading} or {@code failed: ...}
 * @param backupPath {@code migration_backup_path}, empty if none is pending
 * @param dataDirectory {@code PGDATA}
 * @param clusterMajor major in {@code PG_VERSION}, empty if not initialized
 * @param markers completion marker of each migration that has one -> whether it is set
 * @param oldDataDirectory {@code migration_old_pgdata}: where pre-upgrade found the old cluster, empty if unset
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record UpgradeStatus(String localState, String backupPath, String dataDirectory, String clusterMajor,
                            Map<String, Boolean> markers, String oldDataDirectory) {

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
