package com.cloudogu.upgrade.core.checkpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named step boundaries of the phases. Each is logged at debug level; for fault-injection tests,
 * the environment variable {@code DOGU_UPGRADE_HOLD_AT} names one boundary at which the process
 * announces {@code holding at <name>} on the log and then waits until it is killed. This is how the
 * test suite proves that a crash at any boundary is recovered by simply running the phase again.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    /** The environment variable naming the boundary to hold at. */
    public static final String HOLD_AT = "DOGU_UPGRADE_HOLD_AT";
    private static final String HOLD = System.getenv(HOLD_AT);

    private Checkpoints() {
    }

    /** @param name the boundary reached, e.g. {@code pre-upgrade.dump-written} */
    public static void reach(String name) {
        LOG.debug("checkpoint {}", name);
        if (name.equals(HOLD)) {
            LOG.warn("holding at {} ({} is set); waiting to be killed", name, HOLD_AT);
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
