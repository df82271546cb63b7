package com.cloudogu.upgrade.core.internal.server;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server settings for the temporary server while a backup is restored into a fresh restore target:
 * durability is traded for speed, because a restore target that did not finish is never kept — a
 * crash or a failure at any point means the next attempt wipes it and starts over from a fresh
 * cluster ({@code RestoreTarget}). Before the target is promoted the server is stopped cleanly, the
 * whole data directory is flushed to disk ({@code initdb --sync-only}) and the server is started again
 * with the cluster's normal settings; see {@link DataDirectorySync}.
 *
 * <ul>
 *   <li>{@code fsync=off}, {@code synchronous_commit=off}, {@code full_page_writes=off}: no flush per
 *       commit (a dump is thousands of small transactions) and no full-page images;
 *   <li>{@code wal_level=minimal} (with {@code max_wal_senders=0}, {@code archive_mode=off}): a table
 *       created and loaded in one transaction ({@code pg_restore --jobs} does that) writes no WAL;
 *   <li>{@code autovacuum=off}: no vacuum or analyze races the load (statistics are refreshed after);
 *   <li>{@code maintenance_work_mem}: large, for index builds and foreign key checks: a quarter of the
 *       memory (the container's limit when there is one) shared by up to jobs x jobs index builds (jobs
 *       databases at once, each with jobs workers), between 64 MB and 1 GB each;
 *   <li>{@code checkpoint_timeout=30min}, {@code max_wal_size=2GB}: fewer checkpoints during the load.
 * </ul>
 */
public final class RestoreSettings {

    private static final long MB = 1L << 20;

    private RestoreSettings() {
    }

    /** @param jobs how many restore jobs run at once @return the settings, in a stable order */
    public static Map<String, String> forRestore(int jobs) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        s.put("wal_level", "minimal");
        s.put("max_wal_senders", "0");
        s.put("archive_mode", "off");
        s.put("autovacuum", "off");
        s.put("maintenance_work_mem", maintenanceWorkMemMb(jobs) + "MB");
        s.put("checkpoint_timeout", "30min");
        s.put("max_wal_size", "2GB");
        return s;
    }

    static long maintenanceWorkMemMb(int jobs) {
        long total = totalMemory();
        long builds = (long) Math.max(1, jobs) * Math.max(1, jobs);
        long perJob = total / 4 / builds;
        return Math.max(64, Math.min(1024, perJob / MB));
    }

    private static long totalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize(); // honours a container's memory limit
        }
        return 1024 * MB;
    }
}
