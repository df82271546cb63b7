package com.cloudogu.upgrade.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes servers a test forgot to close when the JVM exits, so no postmaster outlives the build.
 * One hook for all servers, installed on first use.
 */
final class ShutdownCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownCleanup.class);
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private ShutdownCleanup() {}

    static void register(AutoCloseable resource) {
        installOnce();
        OPEN.add(resource);
    }

    static void unregister(AutoCloseable resource) {
        OPEN.remove(resource);
    }

    private static synchronized void installOnce() {
        if (installed) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownCleanup::closeAll, "dogu-upgrade-testkit-cleanup"));
        installed = true;
    }

    private static void closeAll() {
        List<AutoCloseable> open = new ArrayList<>(OPEN);
        if (!open.isEmpty()) {
            LOG.warn("JVM exits with {} server(s) still open; stopping them", open.size());
        }
        for (AutoCloseable resource : open) {
            try {
                resource.close();
            } catch (Exception e) {
                // Keep going: one stuck server must not keep the others running.
                LOG.error("Could not close {} on JVM exit", resource, e);
            }
        }
    }
}
