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
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record UpgradePlan(String from, String to, boolean majorUpgrade, List<String> backupReasons,
                          List<String> pendingMigrations, List<String> completedMigrations,
                          List<String> checkedMigrations, List<String> compatibilityChecks) {

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
