package com.cloudogu.upgrade.core.internal.process.archfixture;

import com.cloudogu.upgrade.core.internal.phase.PreUpgradePhase;

/** A deliberate layering violation (infrastructure using a phase), for ArchitectureRulesCatchViolationsTest. */
public final class ProcessThatStartsAPhase {

    /** @return a phase type, reached from the bottom layer */
    public Class<?> phase() {
        return PreUpgradePhase.class;
    }
}
