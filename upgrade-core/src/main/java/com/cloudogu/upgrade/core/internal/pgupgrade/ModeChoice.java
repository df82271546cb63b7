package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import java.util.Optional;

/**
 * Which pg_upgrade mode runs, and why, from what was asked and what is true on the volume. In
 * {@code auto}: clone where the file system reflinks (constant time, the old cluster stays a
 * rollback); else copy where the volume takes a second copy of the relation data (the old cluster
 * stays a rollback); else link, but only when a rollback exists elsewhere (the pre-upgrade dump),
 * because after the new cluster's first start the old one cannot come back.
 *
 * @param mode the mode that runs
 * @param reason one sentence for the log, {@code plan} and {@code status}
 */
public record ModeChoice(PgUpgradeMode mode, String reason) {

    /**
     * What the choice depends on.
     *
     * @param cloneWorks whether {@code pg_upgrade --check --clone} passed
     * @param freeBytes free space on the target's volume
     * @param relationBytes the old cluster's data
     * @param rollback link mode's way back once the new cluster started, in words for the log (the verified
     *     pre-upgrade dump, or the operator's volume snapshot with {@code --pg-upgrade-rollback none});
     *     empty when there is none
     */
    public record Facts(boolean cloneWorks, long freeBytes, long relationBytes, Optional<String> rollback) {

        /** Facts whose only possible rollback is the pre-upgrade dump. */
        public Facts(boolean cloneWorks, long freeBytes, long relationBytes, boolean dumpAvailable) {
            this(cloneWorks, freeBytes, relationBytes, dumpAvailable ? Optional.of("the pre-upgrade dump") : Optional.empty());
        }

        /** @return whether a rollback exists, which link mode needs */
        public boolean dumpAvailable() {
            return rollback.isPresent();
        }
    }

    /** Space kept free beyond the copy: catalogs, WAL of the new cluster's first start, the logs. */
    public static final long MARGIN = 256L * 1024 * 1024;

    /**
     * @param requested the mode asked for
     * @param facts what is true on the volume
     * @return the mode and why
     * @throws UpgradeException ({@code DU-SPACE} or {@code DU-USAGE}) when the requested mode cannot
     *     run safely, naming what to do
     */
    public static ModeChoice choose(PgUpgradeMode requested, Facts facts) {
        long copyNeeds = facts.relationBytes() + MARGIN;
        if (requested != PgUpgradeMode.AUTO) {
            PgUpgradeMode mode = requested;
            switch (mode) {
                case CLONE -> {
                    if (!facts.cloneWorks()) {
                        throw new UpgradeException(ErrorCode.USAGE, "pg_upgrade mode clone was asked for, but the"
                                + " volume's file system cannot clone files (pg_upgrade --check --clone refused)."
                                + " Use --pg-upgrade-mode auto, copy or link.");
                    }
                    return new ModeChoice(mode, "clone was asked for and the file system clones files");
                }
                case COPY -> {
                    if (facts.freeBytes() < copyNeeds) {
                        throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "pg_upgrade mode copy needs "
                                + FallbackLadder.mib(copyNeeds) + " free on the volume, " + FallbackLadder.mib(facts.freeBytes()) + " are free."
                                + " Free space, or use --pg-upgrade-mode link with a pre-upgrade dump.");
                    }
                    return new ModeChoice(mode, "copy was asked for and the volume has room for a second copy");
                }
                default -> {
                    if (!facts.dumpAvailable()) {
                        throw new UpgradeException(ErrorCode.USAGE, "pg_upgrade mode link leaves no way back once the"
                                + " new cluster has started, and no pre-upgrade dump exists as a rollback. Run"
                                + " pre-upgrade with --pg-upgrade-rollback dump (or none when a volume snapshot is"
                                + " kept), or use --pg-upgrade-mode copy or clone.");
                    }
                    return new ModeChoice(mode, "link was asked for; the rollback is " + facts.rollback().get());
                }
            }
        }
        if (facts.cloneWorks()) {
            return new ModeChoice(PgUpgradeMode.CLONE, "the file system clones files: constant time, and the old"
                    + " cluster stays as it was");
        }
        if (facts.freeBytes() >= copyNeeds) {
            return new ModeChoice(PgUpgradeMode.COPY, "no file cloning here; the volume has room for a second copy"
                    + " of the data (" + FallbackLadder.mib(copyNeeds) + " needed, " + FallbackLadder.mib(facts.freeBytes()) + " free), so the old"
                    + " cluster stays as it was");
        }
        if (facts.dumpAvailable()) {
            return new ModeChoice(PgUpgradeMode.LINK, "no file cloning and no room for a copy (" + FallbackLadder.mib(copyNeeds)
                    + " needed, " + FallbackLadder.mib(facts.freeBytes()) + " free); linking, with " + facts.rollback().get()
                    + " as the rollback");
        }
        throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "pg_upgrade cannot run safely: the file system"
                + " cannot clone files, copy mode needs " + FallbackLadder.mib(copyNeeds) + " and " + FallbackLadder.mib(facts.freeBytes())
                + " are free, and link mode needs a pre-upgrade dump as its rollback. Free space, or use"
                + " --upgrade-method dump.");
    }

    /**
     * Whether link mode may run later, as far as pre-upgrade can tell (it cannot check cloning: the new
     * programs are not there yet): always when asked for, in {@code auto} when the volume has no room for a copy.
     *
     * @param requested the mode asked for
     * @param freeBytes what will be free on the volume when pg_upgrade runs
     * @param relationBytes the old cluster's data
     * @return whether pre-upgrade must provide link mode's rollback
     */
    public static boolean mayLink(PgUpgradeMode requested, long freeBytes, long relationBytes) {
        return switch (requested) {
            case LINK -> true;
            case AUTO -> freeBytes < relationBytes + MARGIN;
            case CLONE, COPY -> false;
        };
    }
}
