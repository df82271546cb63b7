package com.cloudogu.upgrade.core.internal.backup;

import java.util.List;

/**
 * Whether an upgrade needs a full backup, and which rules said so.
 *
 * @param reasons one entry per rule that fired, {@code rule: reason}; empty when no backup is needed
 */
public record BackupDecision(List<String> reasons) {

    /** Copies the list. */
    public BackupDecision {
        reasons = List.copyOf(reasons);
    }

    /** @return whether a backup and restore is required */
    public boolean required() {
        return !reasons.isEmpty();
    }
}
