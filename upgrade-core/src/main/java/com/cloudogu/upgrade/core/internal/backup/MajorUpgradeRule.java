package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.backup.BackupRule;
import java.util.Optional;

/** A new PostgreSQL major cannot read the old data directory: dump and restore. */
public final class MajorUpgradeRule implements BackupRule {

    @Override
    public String name() {
        return "major-upgrade";
    }

    @Override
    public Optional<String> reason(DoguVersion from, DoguVersion to) {
        return from.isMajorUpgradeTo(to)
                ? Optional.of("PostgreSQL " + from.postgresMajor() + " -> " + to.postgresMajor())
                : Optional.empty();
    }
}
