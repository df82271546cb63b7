package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.backup.BackupRule;
import com.cloudogu.upgrade.core.internal.discovery.ServiceDiscovery;
import java.util.ArrayList;
import java.util.List;

/** Asks every {@link BackupRule} (built-in and plugin, via ServiceLoader) whether a backup is required. */
public final class BackupPlanner {

    private final List<BackupRule> rules;

    /** @param rules the rules to ask */
    public BackupPlanner(List<BackupRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Policy: every listed rule must load. A rule that cannot be asked might be the one that requires
     * the backup, so any problem refuses the phase ({@code DU-DISCOVERY}) with every problem named.
     *
     * @param loader where to look for rules
     * @return a planner over every rule registered in {@code META-INF/services}
     * @throws UpgradeException with {@link ErrorCode#MIGRATION_DISCOVERY} listing every rule that cannot be used
     */
    public static BackupPlanner discover(ClassLoader loader) {
        ServiceDiscovery.Result<BackupRule> result = ServiceDiscovery.of(BackupRule.class, loader).load();
        if (!result.problems().isEmpty()) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Backup rule discovery found "
                    + result.problems().size() + (result.problems().size() == 1 ? " problem" : " problems")
                    + ":\n  - " + String.join("\n  - ", result.problems()));
        }
        return new BackupPlanner(result.found().stream().map(ServiceDiscovery.Found::provider).toList());
    }

    /**
     * @param from version upgraded from
     * @param to version upgraded to
     * @return the decision with every reason that applies
     */
    public BackupDecision decide(DoguVersion from, DoguVersion to) {
        List<String> reasons = new ArrayList<>();
        for (BackupRule rule : rules) {
            rule.reason(from, to).ifPresent(r -> reasons.add(rule.name() + ": " + r));
        }
        return new BackupDecision(reasons);
    }

    /** @return the rules asked, for {@code plan} */
    public List<BackupRule> rules() {
        return rules;
    }
}
