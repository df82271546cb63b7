package com.cloudogu.upgrade.core.internal.checkpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named step boundaries of the phases. Each is logged at debug level; for fault-injection tests,
 * the environment variable {@code DOGU_UPGRADE_HOLD_AT} names a boundary (or several, separated by
 * commas: the first one reached counts, so a test can kill at "the next boundary this path reaches") at which the process
 * announces {@code holding at <name>} on the log and then waits until it is killed — or, if
 * {@code DOGU_UPGRADE_HOLD_RELEASE_FILE} names a file, until that file exists. This is how the test
 * suite proves that a crash at any boundary is recovered by simply running the phase again, and
 * changes the world (e.g. fills a disk) at a precise step.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    /** The environment variable naming the boundary to hold at. */
    public static final String HOLD_AT = "DOGU_UPGRADE_HOLD_AT";
    private static final java.util.Set<String> HOLD = java.util.Set.copyOf(java.util.Arrays.asList(
            java.util.Objects.requireNonNullElse(System.getenv(HOLD_AT), "").split(",")));
    private static final String RELEASE = System.getenv("DOGU_UPGRADE_HOLD_RELEASE_FILE");

    private Checkpoints() {
    }

    /** @param name the boundary reached, e.g. {@code pre-upgrade.dump-written} */
    public static void reach(String name) {
        LOG.debug("checkpoint {}", name);
        if (HOLD.contains(name)) {
            LOG.warn("holding at {} ({} is set); waiting to be killed", name, HOLD_AT);
            while (RELEASE == null || !java.nio.file.Files.exists(java.nio.file.Path.of(RELEASE))) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LOG.warn("released at {}", name);
        }
    }
}
