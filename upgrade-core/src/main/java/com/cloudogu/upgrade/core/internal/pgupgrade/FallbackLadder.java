package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pg_upgrade method's fallback ladder (issue 14): when a rung fails, the next one runs only if
 * the failed rung left the old cluster untouched, and — within one attempt — only if it left the
 * fresh target untouched too; otherwise the attempt ends, the target is discarded and the next
 * attempt starts from a fresh one.
 * <ol>
 *   <li>{@link Rung#PG_UPGRADE}: pg_upgrade itself; {@code --check} refusing touches nothing;</li>
 *   <li>{@link Rung#OLD_SERVER_DUMP}: the carried-over old server is started in this container on a
 *       private socket, dumped with this image's {@code pg_dumpall}, stopped, and the dump restored
 *       into the fresh cluster — no dump from pre-upgrade needed;</li>
 *   <li>{@link Rung#PRE_UPGRADE_DUMP}: the dump pre-upgrade wrote as a rollback, if there is one.</li>
 * </ol>
 */
public final class FallbackLadder {

    /** Room the restored cluster needs beyond its data: a fresh cluster's catalogs, WAL, the logs. */
    static final long FRESH_CLUSTER = 64L << 20;

    /** The rungs, in order. */
    public enum Rung {
        /** pg_upgrade between the old cluster and the fresh one. */
        PG_UPGRADE(1, "pg_upgrade"),
        /** Dump and restore from the old server started in the new container. */
        OLD_SERVER_DUMP(2, "dump and restore from the old server started in this container"),
        /** Restore of the pre-upgrade dump. */
        PRE_UPGRADE_DUMP(3, "restore of the pre-upgrade dump");

        private final int number;
        private final String description;

        Rung(int number, String description) {
            this.number = number;
            this.description = description;
        }

        /** @return 1, 2 or 3 */
        public int number() {
            return number;
        }

        /** @return what the rung does, for the log, the record and {@code status} */
        public String description() {
            return description;
        }

        @Override
        public String toString() {
            return "rung " + number + " (" + description + ")";
        }
    }

    /**
     * What a failed rung left behind.
     *
     * @param oldClusterTouched whether the old cluster may have been changed (pg_upgrade past its
     *     checks in link mode): then no rung that reads it may follow
     * @param targetTouched whether data went into the fresh target: then this attempt ends
     * @param preUpgradeDump whether pre-upgrade left a dump to fall back to
     */
    public record Failure(boolean oldClusterTouched, boolean targetTouched, boolean preUpgradeDump) {
    }

    private FallbackLadder() {
    }

    /**
     * @param failed the rung that failed
     * @param left what it left behind
     * @return the rung to run next in this attempt; empty when the attempt ends with the failure
     */
    public static Optional<Rung> next(Rung failed, Failure left) {
        if (left.oldClusterTouched() || left.targetTouched()) {
            return Optional.empty();
        }
        return switch (failed) {
            case PG_UPGRADE -> Optional.of(Rung.OLD_SERVER_DUMP);
            case OLD_SERVER_DUMP -> left.preUpgradeDump() ? Optional.of(Rung.PRE_UPGRADE_DUMP) : Optional.empty();
            case PRE_UPGRADE_DUMP -> Optional.empty();
        };
    }

    /**
     * @param next the rung about to run
     * @param why why the one before it failed, in its own words
     * @return the one log line the ladder writes when it steps down
     */
    public static String stepLine(Rung next, String why) {
        return "pg-upgrade fallback: " + next + " runs next, because " + why;
    }

    /**
     * Space for {@link Rung#OLD_SERVER_DUMP}: the dump (estimated at the old cluster's size, an
     * upper bound: a dump holds no indexes and no free space) plus the restored data (again the
     * cluster's size) plus a fresh cluster's own files.
     *
     * @param clusterBytes size of the old cluster's databases
     * @return bytes needed on the volume
     */
    public static long spaceForOldServerDump(long clusterBytes) {
        return 2 * clusterBytes + FRESH_CLUSTER;
    }

    /**
     * @param where the directory the dump goes to (on the volume of the new cluster)
     * @param freeBytes usable bytes there
     * @param clusterBytes size of the old cluster's databases
     * @throws UpgradeException ({@link ErrorCode#INSUFFICIENT_SPACE}) naming what is needed and free
     */
    public static void requireSpaceForOldServerDump(Path where, long freeBytes, long clusterBytes) {
        long needed = spaceForOldServerDump(clusterBytes);
        if (freeBytes < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The fallback to dump and restore needs about "
                    + mib(needed) + " on the volume of " + where + " (a dump of the old cluster, up to " + mib(clusterBytes)
                    + ", plus the restored data, about as much again, plus a fresh cluster); " + mib(freeBytes)
                    + " are free. Free space, then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort'); the old"
                    + " cluster is untouched.");
        }
    }

    /** @param bytes a size @return it in whole MiB, as the package's messages and the plan say sizes */
    static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
