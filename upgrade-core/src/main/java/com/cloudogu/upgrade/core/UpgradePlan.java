package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import java.util.List;

/**
 * What an upgrade would do; computing it changes nothing.
 *
 * @param from version upgraded from
 * @param to version upgraded to
 * @param majorUpgrade whether the PostgreSQL major changes
 * @param backupReasons the backup rules that fired ({@code rule: reason}); empty if no backup
 * @param pendingMigrations ids of migrations whose marker is not set, in order
 * @param completedMigrations ids of migrations whose marker is set
 * @param checkedMigrations ids of migrations without a marker: they decide on the temporary server
 * @param compatibilityChecks what the compatibility checks found on the running old server, one line
 *     per check and per offending object ({@code ok id}, {@code FAILED id: ...}), or why they did not
 *     run; empty when the major does not change
 * @param method how the cluster crosses the major: {@code dump}, {@code pg-upgrade}, or {@code none}
 *     when no full backup is needed
 * @param methodReason why that method
 * @param pgUpgradeMode for pg-upgrade, the mode asked for ({@code auto}, {@code clone}, {@code copy},
 *     {@code link}); empty otherwise
 * @param pgUpgradeModeReason for pg-upgrade, which mode will run and why, as far as the old container
 *     can know it (whether the volume clones files is known only in the new container); empty otherwise
 * @param spaceNeeded one line per thing that needs space (the backup or the carried-over installation,
 *     copy mode's second copy, the fallback's dump, the restore), and what is free now
 * @param rollback what remains to go back to, and until when
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record UpgradePlan(String from, String to, boolean majorUpgrade, List<String> backupReasons,
                          List<String> pendingMigrations, List<String> completedMigrations,
                          List<String> checkedMigrations, List<String> compatibilityChecks, String method,
                          String methodReason, String pgUpgradeMode, String pgUpgradeModeReason,
                          List<String> spaceNeeded, String rollback) {

    /** A plan without the method's part (as before 0.3). */
    public UpgradePlan(String from, String to, boolean majorUpgrade, List<String> backupReasons,
                       List<String> pendingMigrations, List<String> completedMigrations,
                       List<String> checkedMigrations, List<String> compatibilityChecks) {
        this(from, to, majorUpgrade, backupReasons, pendingMigrations, completedMigrations, checkedMigrations,
                compatibilityChecks, "", "", "", "", List.of(), "");
    }

    /** A plan without compatibility checks (the major does not change). */
    public UpgradePlan(String from, String to, boolean majorUpgrade, List<String> backupReasons,
                       List<String> pendingMigrations, List<String> completedMigrations,
                       List<String> checkedMigrations) {
        this(from, to, majorUpgrade, backupReasons, pendingMigrations, completedMigrations, checkedMigrations, List.of());
    }

    /** @return whether a full backup and restore happens */
    public boolean backupRequired() {
        return !backupReasons.isEmpty();
    }
}
