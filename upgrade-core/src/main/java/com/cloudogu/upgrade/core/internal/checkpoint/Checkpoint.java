package com.cloudogu.upgrade.core.internal.checkpoint;

import java.util.Arrays;
import java.util.List;

/**
 * Every named step boundary, in the order a major upgrade reaches them. Tests iterate this enum:
 * the fault matrix kills the CLI at each boundary of {@link Flow#MAJOR_UPGRADE}, so a new boundary is
 * covered as soon as it is declared here, and a renamed one cannot silently stop being reached (the
 * matrix would wait for it in vain and fail). The names are a contract with the POSIX-shell
 * launcher, which reaches the pre-upgrade ones under the same names.
 */
public enum Checkpoint {
    /** pre-upgrade decided on a backup and is about to run the dump. */
    PRE_UPGRADE_BEFORE_DUMP("pre-upgrade.before-dump", "pre-upgrade", Flow.MAJOR_UPGRADE),
    /** The dump program ended; the partial file is complete but not yet checked or published. */
    PRE_UPGRADE_DUMP_FINISHED("pre-upgrade.dump-finished", "pre-upgrade", Flow.MAJOR_UPGRADE),
    /** The verified backup has its final name; the state does not point at it yet. */
    PRE_UPGRADE_BACKUP_RENAMED("pre-upgrade.backup-renamed", "pre-upgrade", Flow.MAJOR_UPGRADE),
    /** migration_backup_path is recorded; local_state is not yet {@code upgrading}. */
    PRE_UPGRADE_BACKUP_PATH_RECORDED("pre-upgrade.backup-path-recorded", "pre-upgrade", Flow.MAJOR_UPGRADE),
    /** post-upgrade verified the backup against its manifest. */
    POST_UPGRADE_BACKUP_VERIFIED("post-upgrade.backup-verified", "post-upgrade", Flow.MAJOR_UPGRADE),
    /** post-upgrade prepared the new PGDATA (moved the old cluster aside on the same path). */
    POST_UPGRADE_OLD_CLUSTER_MOVED("post-upgrade.old-cluster-moved", "post-upgrade", Flow.MAJOR_UPGRADE),
    /** A same-major layout change is about to move the cluster's first entry. */
    RELOCATION_START("relocation.start", "post-upgrade", Flow.LAYOUT_CHANGE),
    /** A same-major layout change moved one more entry. */
    RELOCATION_ENTRY_MOVED("relocation.entry-moved", "post-upgrade", Flow.LAYOUT_CHANGE),
    /** The same-major layout change is complete. */
    POST_UPGRADE_CLUSTER_RELOCATED("post-upgrade.cluster-relocated", "post-upgrade", Flow.LAYOUT_CHANGE),
    /** post-upgrade started its temporary server to run migrations (no restore pending). */
    POST_UPGRADE_SERVER_STARTED("post-upgrade.server-started", "post-upgrade", Flow.MINOR_UPGRADE),
    /** The restore target was initialized and marked. */
    RESTORE_TARGET_INITIALIZED("restore.target-initialized", "startup", Flow.MAJOR_UPGRADE),
    /**
     * The temporary server on the restore target accepts connections (pg_upgrade's restore: it is
     * prepared, and starts after pg_upgrade).
     */
    RESTORE_SERVER_STARTED("restore.server-started", "startup", Flow.MAJOR_UPGRADE),
    /** The pg_upgrade journal records {@code started(link)}; pg_upgrade --link is about to run. */
    PG_UPGRADE_LINK_STARTED("pg-upgrade.link-started", "startup", Flow.PG_UPGRADE_LINK),
    /** pg_upgrade --link finished and the journal records {@code linked}; the new cluster never started. */
    PG_UPGRADE_LINKED("pg-upgrade.linked", "startup", Flow.PG_UPGRADE_LINK),
    /** The journal records {@code first-start}: the point of no return; the new cluster starts next. */
    PG_UPGRADE_FIRST_START("pg-upgrade.first-start", "startup", Flow.PG_UPGRADE_LINK),
    /** Half the backup was read into the restore. */
    RESTORE_HALFWAY("restore.halfway", "startup", Flow.MAJOR_UPGRADE),
    /** Every database of a parallel backup is restored; the globals' follow-up is next. */
    RESTORE_PARALLEL_DATABASES_RESTORED("restore.parallel-databases-restored", "startup", Flow.PARALLEL_RESTORE),
    /** The restore ended without error; the restored cluster is not promoted yet. */
    RESTORE_BEFORE_COMPLETE("restore.before-complete", "startup", Flow.MAJOR_UPGRADE),
    /** The disposal journal says to remove (or keep aside) the old cluster; it is about to act. */
    DISPOSAL_REMOVING_OLD_CLUSTER("disposal.removing-old-cluster", "startup", Flow.MAJOR_UPGRADE),
    /** The old cluster was removed or kept aside. */
    DISPOSAL_OLD_CLUSTER_DONE("disposal.old-cluster-done", "startup", Flow.MAJOR_UPGRADE),
    /** The restore step (reported as {@code 01-restore}) finished. */
    RESTORE_STEP_FINISHED("migration.01-restore.finished", "startup", Flow.MAJOR_UPGRADE),
    /** The restore is complete and recorded; migrations follow. */
    RESTORE_COMPLETED("restore.completed", "startup", Flow.MAJOR_UPGRADE),
    /** pg_upgrade refused; the fallback's old server runs on the old cluster, nothing is dumped yet. */
    PG_UPGRADE_FALLBACK_OLD_SERVER_STARTED("pg-upgrade.fallback-old-server-started", "startup",
            Flow.PG_UPGRADE_FALLBACK),
    /** The fallback's dump of the old cluster is written and the old server stopped; the restore is next. */
    PG_UPGRADE_FALLBACK_DUMPED("pg-upgrade.fallback-dumped", "startup", Flow.PG_UPGRADE_FALLBACK);

    /** Which run of the phases reaches a checkpoint. */
    public enum Flow {
        /** A plain-format major upgrade: pre-upgrade dumps, startup restores. */
        MAJOR_UPGRADE,
        /** Only a restore of a parallel-format backup. */
        PARALLEL_RESTORE,
        /** A same-major upgrade whose PGDATA moved (no backup). */
        LAYOUT_CHANGE,
        /** A minor upgrade: migrations on a temporary server. */
        MINOR_UPGRADE,
        /** A pg_upgrade in link mode: the journal steps around its point of no return. */
        PG_UPGRADE_LINK,
        /** A pg-upgrade whose pg_upgrade refused: rung 2 of the fallback ladder, the old server dumped here. */
        PG_UPGRADE_FALLBACK
    }

    private final String id;
    private final String phase;
    private final Flow flow;

    Checkpoint(String id, String phase, Flow flow) {
        this.id = id;
        this.phase = phase;
        this.flow = flow;
    }

    /** @return the name {@code DOGU_UPGRADE_HOLD_AT} takes, e.g. {@code pre-upgrade.before-dump} */
    public String id() {
        return id;
    }

    /** @return the CLI phase that reaches it, e.g. {@code startup} */
    public String phase() {
        return phase;
    }

    /** @return the run of the phases that reaches it */
    public Flow flow() {
        return flow;
    }

    /** Reaches this boundary: logs it and, under test, may hold here (see {@link Checkpoints}). */
    public void reach() {
        Checkpoints.reach(id);
    }

    /**
     * @param flow a run of the phases
     * @return its checkpoints in the order they are reached
     */
    public static List<Checkpoint> of(Flow flow) {
        return Arrays.stream(values()).filter(c -> c.flow == flow).toList();
    }
}
