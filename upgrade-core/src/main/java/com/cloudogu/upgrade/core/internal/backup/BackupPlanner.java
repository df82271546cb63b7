package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.backup.BackupRule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Asks every {@link BackupRule} (built-in and plugin, via ServiceLoader) whether a backup is required. */
public final class BackupPlanner {

    private final List<BackupRule> rules;

    /** @param rules the rules to ask */
    public BackupPlanner(List<BackupRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @param loader where to look for rules
     * @return a planner over every rule registered in {@code META-INF/services}
     */
    public static BackupPlanner discover(ClassLoader loader) {
        List<BackupRule> found = new ArrayList<>();
        try {
            ServiceLoader.load(BackupRule.class, loader).forEach(found::add);
        } catch (ServiceConfigurationError e) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "A backup rule could not be loaded: "
                    + e.getMessage() + ". Remove or fix the plugin jar that registers it.", e);
        }
        return new BackupPlanner(found);
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
