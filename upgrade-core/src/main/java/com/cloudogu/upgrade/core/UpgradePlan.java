package com.cloudogu.upgrade.core;

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
 */
public record UpgradePlan(String from, String to, boolean majorUpgrade, List<String> backupReasons,
                          List<String> pendingMigrations, List<String> completedMigrations,
                          List<String> checkedMigrations) {

    /** @return whether a full backup and restore happens */
    public boolean backupRequired() {
        return !backupReasons.isEmpty();
    }
}
