package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.UpgradeMethod;
import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code plan} says about the method: which one runs and why, for pg-upgrade which mode and why
 * — as far as the old container can know it (whether the volume clones files shows only
 * {@code pg_upgrade --check --clone} in the new container) —, how much space it needs, and what
 * rollback remains. Pure: the facts are measured by the caller.
 *
 * @param method {@code dump}, {@code pg-upgrade}, or {@code none} (no full backup needed)
 * @param methodReason why
 * @param mode the pg_upgrade mode asked for ({@code auto}, {@code clone}, ...); empty unless pg-upgrade
 * @param modeReason which mode will run and why, as far as it is known here
 * @param space one line per thing that needs space, and what is free now
 * @param rollback what remains to go back to
 */
public record MethodPlan(String method, String methodReason, String mode, String modeReason, List<String> space,
                         String rollback) {

    /**
     * What the plan is computed from.
     *
     * @param method the configured method
     * @param mode the configured pg_upgrade mode
     * @param backupRequired whether a backup rule fired
     * @param majorUpgrade whether the major changes
     * @param clusterBytes size of the old cluster's databases, if the old server could be asked
     * @param installationBytes size of the old installation with its library closure, if measured
     * @param freeBytes usable bytes on the volume of PGDATA, if known
     */
    public record Facts(UpgradeMethod method, PgUpgradeMode mode, boolean backupRequired, boolean majorUpgrade,
                        OptionalLong clusterBytes, OptionalLong installationBytes, OptionalLong freeBytes) {
    }

    /**
     * @param f the facts
     * @return the plan's method part
     */
    public static MethodPlan of(Facts f) {
        if (!f.backupRequired()) {
            return new MethodPlan("none", "no full backup is needed: the cluster stays in place and the pending"
                    + " migrations run on a temporary server", "", "", List.of(), "none needed: nothing is moved");
        }
        List<String> space = new ArrayList<>();
        if (f.method() == UpgradeMethod.DUMP) {
            space.add("backup: " + size(f.clusterBytes(), BackupDirectory::spaceNeeded)
                    + " in the backup directory (a dump is at most the old cluster's size)");
            space.add("restore: " + size(f.clusterBytes(), b -> 2 * b + FallbackLadder.FRESH_CLUSTER)
                    + " in the new PGDATA (twice the dump plus a fresh cluster)");
            free(f, space);
            return new MethodPlan("dump", "--upgrade-method dump (DOGU_UPGRADE_METHOD; the default): pre-upgrade"
                    + " dumps the cluster, the new container restores it into a fresh cluster", "", "", space,
                    "the backup and the old cluster: the old cluster is removed only after the restore succeeded"
                    + " (kept with --keep-old-cluster)");
        }
        space.add("carried-over old installation: " + size(f.installationBytes(), b -> b,
                "no PostgreSQL installation found on PATH")
                + " (programs, package libraries, share directory, shared-library closure)");
        switch (f.mode()) {
            case COPY, AUTO -> space.add((f.mode() == PgUpgradeMode.AUTO ? "if copy mode runs: " : "copy mode: ")
                    + size(f.clusterBytes(), b -> b + ModeChoice.MARGIN) + " more (a second copy of the data)");
            default -> space.add(f.mode() + " mode: little beyond the installation (the new catalogs and WAL)");
        }
        space.add("fallback, if pg_upgrade refuses (rung 2): " + size(f.clusterBytes(),
                FallbackLadder::spaceForOldServerDump) + " (a dump taken in the new container plus the restored data)");
        free(f, space);
        String methodReason = "--upgrade-method pg-upgrade (DOGU_UPGRADE_METHOD): pre-upgrade carries the old"
                + " installation over the volume, the new container runs pg_upgrade with it; if pg_upgrade refuses,"
                + " the fallback ladder dumps the old cluster there (rung 2) or restores a pre-upgrade dump (rung 3)"
                + (f.majorUpgrade() ? "" : ". The major does not change: pg_upgrade may refuse, then the fallback runs");
        return new MethodPlan("pg-upgrade", methodReason, f.mode().toString(), modeReason(f), space, rollback(f.mode()));
    }

    private static String modeReason(Facts f) {
        String copyRoom = f.clusterBytes().isPresent() && f.freeBytes().isPresent()
                ? (f.freeBytes().getAsLong() >= f.clusterBytes().getAsLong() + ModeChoice.MARGIN
                        ? "the volume has room for it now" : "the volume has NO room for it now")
                : "whether it fits is unknown here";
        return switch (f.mode()) {
            case AUTO -> "decided in the new container: clone if the volume's file system clones files (unknown until"
                    + " then: pg_upgrade --check --clone runs there); else copy if the volume has room for a second copy"
                    + " of the data (" + copyRoom + "); else link, only with a rollback (a pre-upgrade dump or a volume"
                    + " snapshot); else the upgrade is refused before anything changes";
            case CLONE -> "clone, as asked: needs a file system that clones files (XFS with reflink, btrfs), checked only"
                    + " in the new container, which refuses otherwise";
            case COPY -> "copy, as asked: needs room for a second copy of the data (" + copyRoom + ")";
            case LINK -> "link, as asked: constant time, but needs a rollback (a pre-upgrade dump or a volume snapshot)";
        };
    }

    private static String rollback(PgUpgradeMode mode) {
        String fallback = "; the fallback rungs leave the old cluster untouched too";
        return switch (mode) {
            case CLONE, COPY -> "the old cluster stays unchanged until the new one is complete (removed after success,"
                    + " kept with --keep-old-cluster)" + fallback;
            case LINK -> "until the new cluster's first start 'abort' brings the old cluster back; after it only the"
                    + " pre-upgrade dump or a volume snapshot" + fallback;
            case AUTO -> "with clone or copy the old cluster stays unchanged until the new one is complete; link, only"
                    + " chosen with a rollback, leaves the pre-upgrade dump or a volume snapshot after the new cluster's"
                    + " first start" + fallback;
        };
    }

    private static void free(Facts f, List<String> space) {
        space.add("free now on the volume of PGDATA: " + (f.freeBytes().isPresent()
                ? FallbackLadder.mib(f.freeBytes().getAsLong()) : "unknown"));
    }

    private static String size(OptionalLong bytes, java.util.function.LongUnaryOperator need) {
        return size(bytes, need, "the old server could not be asked");
    }

    private static String size(OptionalLong bytes, java.util.function.LongUnaryOperator need, String unknownBecause) {
        return bytes.isPresent() ? "about " + FallbackLadder.mib(need.applyAsLong(bytes.getAsLong()))
                : "unknown here (" + unknownBecause + ")";
    }
}
