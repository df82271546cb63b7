package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.layout.ClusterEntries;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelation;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelocation;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the old cluster and the backup once a restore completed: removed, or kept under a
 * documented name. Written as a journal ({@value #JOURNAL} in the backup directory) at the moment the
 * restored cluster is promoted, and carried out from it, so a crash at any point of the removal is
 * finished by the next start — and nothing is ever removed without it: a backup whose restore did
 * not complete, or an old cluster after {@code abort}, has no journal.
 *
 * <p>Where a kept old cluster lies: same path — {@code <PGDATA>.previous-<major>} (it was set aside
 * there before the restore); sibling — renamed to {@code <old path>.previous-<major>}; ancestor (the
 * legacy volume root) — its own entries moved into {@code <old path>/previous-<major>/}. A kept
 * cluster never lies where an image looks for its {@code PGDATA}, so no image starts on stale data.
 */
public final class OldClusterDisposal {

    private static final Logger LOG = LoggerFactory.getLogger(OldClusterDisposal.class);
    /** The journal's file name in the backup directory. */
    public static final String JOURNAL = "dogu-upgrade-disposal.properties";

    private final Path backupDirectory;
    private final Consumer<Path> removeEveryBackup;

    /**
     * For reading or discarding the journal. Carrying out a journal of an earlier version (one without
     * the backup's path) keeps the backups: only {@link #OldClusterDisposal(Path, Consumer)} knows them.
     *
     * @param backupDirectory where backups and the journal live
     */
    public OldClusterDisposal(Path backupDirectory) {
        this(backupDirectory, dir -> LOG.warn("not removing the backups in {}: the disposal journal does not name"
                + " the restored one", dir));
    }

    /**
     * @param backupDirectory where backups and the journal live
     * @param removeEveryBackup removes every backup in the backup directory, of every format; used only for a
     *     journal of an earlier version, which does not name the backup the restore was fed from
     */
    public OldClusterDisposal(Path backupDirectory, Consumer<Path> removeEveryBackup) {
        this.backupDirectory = backupDirectory;
        this.removeEveryBackup = removeEveryBackup;
    }

    /**
     * What to remove or keep.
     *
     * @param oldCluster the old cluster's directory as the old image had it
     * @param major its major
     * @param relation its relation to the new {@code PGDATA}
     * @param keepOldCluster keep it under the documented name instead of removing it
     * @param keepBackup keep the backup
     * @param backup the backup the restore was fed from: the only one removed (empty in a journal of an
     *     earlier version: then every backup in the directory, as that version did)
     */
    public record Plan(Path oldCluster, String major, ClusterRelation relation, boolean keepOldCluster,
                       boolean keepBackup, Optional<Path> backup) {

        /** A plan without a recorded backup path (see {@link #backup}). */
        public Plan(Path oldCluster, String major, ClusterRelation relation, boolean keepOldCluster,
                    boolean keepBackup) {
            this(oldCluster, major, relation, keepOldCluster, keepBackup, Optional.empty());
        }
    }

    /** @param plan recorded atomically (temporary file, fsync, rename) before the backup path is cleared */
    public void record(Plan plan) {
        Properties p = new Properties();
        p.setProperty("oldCluster", plan.oldCluster().toString());
        p.setProperty("major", plan.major());
        p.setProperty("relation", plan.relation().name());
        p.setProperty("keepOldCluster", Boolean.toString(plan.keepOldCluster()));
        p.setProperty("keepBackup", Boolean.toString(plan.keepBackup()));
        plan.backup().ifPresent(b -> p.setProperty("backup", b.toString()));
        Path journal = backupDirectory.resolve(JOURNAL);
        Path tmp = backupDirectory.resolve(JOURNAL + ".partial");
        try {
            Files.createDirectories(backupDirectory);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "dogu-upgrade: the restore completed; what to do with the old cluster and the backup");
            }
            Durable.syncFile(tmp);
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(backupDirectory);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot write " + journal + ": " + e.getMessage()
                    + ". The restore is not recorded as complete; fix it, then run 'dogu-upgrade retry-restore'.", e);
        }
    }

    /** @return the recorded plan, if a completed restore left one */
    public Optional<Plan> pending() {
        Path journal = backupDirectory.resolve(JOURNAL);
        if (!Files.isRegularFile(journal)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new Plan(Path.of(p.getProperty("oldCluster")), p.getProperty("major", ""),
                    ClusterRelation.valueOf(p.getProperty("relation")),
                    Boolean.parseBoolean(p.getProperty("keepOldCluster")), Boolean.parseBoolean(p.getProperty("keepBackup")),
                    Optional.ofNullable(p.getProperty("backup")).filter(b -> !b.isBlank()).map(Path::of)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the unreadable disposal journal {} ({}); nothing is removed", journal, e.toString());
            return Optional.empty();
        }
    }

    /** Forgets a recorded plan without carrying it out ({@code abort} before the restore counted). */
    public void discard() {
        try {
            Files.deleteIfExists(backupDirectory.resolve(JOURNAL));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot remove " + backupDirectory.resolve(JOURNAL)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Carries out the recorded plan, if there is one; idempotent, so an interrupted run is finished by
     * the next. Refuses to touch anything unless {@code data} holds a complete (promoted) cluster.
     *
     * @param data the new {@code PGDATA}
     * @return whether a recorded plan was carried out
     */
    public boolean carryOut(DataDirectory data) {
        Optional<Plan> recorded = pending();
        if (recorded.isEmpty()) {
            return false;
        }
        Plan plan = recorded.get();
        Path pgdata = data.path().toAbsolutePath().normalize();
        if (!data.isInitialized() || data.isRestoreTarget()) {
            LOG.warn("not removing anything: {} holds no complete cluster although {} says the restore completed",
                    pgdata, JOURNAL);
            return false;
        }
        if (plan.relation() != ClusterRelation.SAME_PATH && ClusterRelation.of(plan.oldCluster(), pgdata)
                == ClusterRelation.SAME_PATH) {
            LOG.warn("not removing {}: it is this image's PGDATA (an old image runs on it); {} discarded",
                    plan.oldCluster(), JOURNAL);
            discard();
            return false;
        }
        long t0 = System.nanoTime();
        try {
            if (!plan.keepOldCluster()) {
                // Same path: the old cluster set aside. Any relation: a restored cluster that a crash
                // before the backup path was cleared made the next attempt set aside.
                RestoreLeftovers.removeOldClusters(data);
            }
            switch (plan.relation()) {
                case SAME_PATH -> samePath(data, plan);
                case SIBLING -> sibling(plan);
                case ANCESTOR -> ancestor(pgdata, plan);
                default -> throw new IllegalStateException(plan.relation().name());
            }
            Checkpoint.DISPOSAL_OLD_CLUSTER_DONE.reach();
            if (!plan.keepBackup()) {
                Optional<Path> fed = plan.backup().filter(b -> b.toAbsolutePath().normalize().getParent()
                        .equals(backupDirectory.toAbsolutePath().normalize()));
                if (plan.backup().isPresent() && fed.isEmpty()) {
                    LOG.warn("not removing the backup {}: it is not in the backup directory {}", plan.backup().get(),
                            backupDirectory);
                } else if (fed.isPresent()) {
                    // Only the backup this restore was fed from: another one (kept after an aborted
                    // upgrade, say) fed no completed restore and stays.
                    RestoreLeftovers.removeBackup(fed.get());
                } else {
                    removeEveryBackup.accept(backupDirectory);
                }
            }
            discard();
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot finish removing the old cluster "
                    + plan.oldCluster() + ": " + e.getMessage() + ". The restored cluster is complete; the next start"
                    + " tries again.", e);
        }
        LOG.info("old cluster {} {} in {} ms", plan.oldCluster(), plan.keepOldCluster() ? "kept" : "removed",
                (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    private static void samePath(DataDirectory data, Plan plan) {
        if (plan.keepOldCluster()) {
            LOG.info("keeping the old cluster next to {} as {}.previous-{}", data.path(), data.path().getFileName(),
                    plan.major());
        }
    }

    private static void sibling(Plan plan) throws IOException {
        Path old = plan.oldCluster();
        Path kept = old.resolveSibling(old.getFileName() + ".previous-" + plan.major());
        if (plan.keepOldCluster()) {
            if (Files.exists(old, LinkOption.NOFOLLOW_LINKS) && !Files.exists(kept, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(old, kept, StandardCopyOption.ATOMIC_MOVE);
            }
            LOG.info("kept the old PostgreSQL {} cluster as {} (--keep-old-cluster)", plan.major(), kept);
            return;
        }
        if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            // PG_VERSION first: a half-removed directory must never pass for a cluster.
            Files.deleteIfExists(old.resolve(ClusterEntries.PG_VERSION));
            Checkpoint.DISPOSAL_REMOVING_OLD_CLUSTER.reach();
            RestoreTarget.deleteTree(old);
            LOG.info("removed the old PostgreSQL {} cluster {} (keep it with --keep-old-cluster)", plan.major(), old);
        }
        ClusterRelocation.removeEmpty(old.getParent(), old.getParent().getParent());
    }

    private void ancestor(Path pgdata, Plan plan) throws IOException {
        Path old = plan.oldCluster();
        Path kept = old.resolve("previous-" + plan.major());
        List<Path> entries = ClusterEntries.of(old);
        if (plan.keepOldCluster()) {
            if (!Files.isDirectory(kept)) {
                // A data directory of its own: 0700 and the old cluster's owner, so it still starts.
                Files.createDirectory(kept, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.setOwner(kept, Files.getOwner(old, LinkOption.NOFOLLOW_LINKS));
            }
            for (Path e : entries) {
                Files.move(e, kept.resolve(e.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
                Checkpoint.DISPOSAL_REMOVING_OLD_CLUSTER.reach();
            }
        } else {
            for (Path e : entries) {
                BackupFiles.deleteTree(e);
                if (e.getFileName().toString().equals(ClusterEntries.PG_VERSION)) {
                    Checkpoint.DISPOSAL_REMOVING_OLD_CLUSTER.reach();
                }
            }
        }
        List<Path> known = new ArrayList<>(List.of(pgdata, backupDirectory.toAbsolutePath().normalize(), kept));
        List<Path> left = ClusterEntries.unattributed(old, known);
        LOG.info("{} the old PostgreSQL {} cluster's {} entries in {}{}{}", plan.keepOldCluster() ? "kept" : "removed",
                plan.major(), entries.size(), old, plan.keepOldCluster() ? " (moved into " + kept + ")" : "",
                left.isEmpty() ? "" : "; left alone, not part of the cluster: " + left);
    }
}
