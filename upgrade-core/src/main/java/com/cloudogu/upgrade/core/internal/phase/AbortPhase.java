package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.backup.ReadOnlyGuard;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelation;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelocation;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal;
import com.cloudogu.upgrade.core.internal.restore.OldClusterDisposal;
import com.cloudogu.upgrade.core.internal.restore.RestoreTarget;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.StaleServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * abort: takes back an upgrade that has not completed, so that the old image starts again on its
 * cluster where it expects it. The state is cleared and the read-only guard lifted; then by layout —
 * same path: the old cluster set aside is moved back (the partial restore target in its place is
 * discarded); sibling or ancestor: the new image's {@code PGDATA} (a partial restore target, or empty)
 * is removed, the old cluster was never touched; same major with another path: the moved files go
 * back. Refused whenever that could lose data: once a restore completed, or when PGDATA holds a
 * cluster this tool did not create as a restore target. The backup is kept.
 */
public final class AbortPhase {

    private static final Logger LOG = LoggerFactory.getLogger(AbortPhase.class);
    static final String NAME = "abort";

    private final PhaseEnvironment env;

    /** @param env the phase environment */
    public AbortPhase(PhaseEnvironment env) {
        this.env = env;
    }

    /** Runs the phase. */
    public void run() {
        env.runPhase(NAME, () -> {
            try (PhaseLock lock = PhaseLock.acquire(env.settings().lockFile(), NAME)) {
                abort();
            }
        });
    }

    private void abort() {
        Optional<String> backup = env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank());
        Optional<String> localState = env.state().get(StateKeys.LOCAL_STATE).filter(s -> !s.isBlank());
        DataDirectory data = env.data();
        Optional<Path> oldPath = env.state().get(StateKeys.MIGRATION_OLD_PGDATA).filter(s -> !s.isBlank()).map(Path::of);
        List<Path> aside = movedAside(data);
        if (backup.isEmpty() && localState.isEmpty()) {
            if (!aside.isEmpty()) {
                throw refused("the upgrade already completed (no restore is pending) and the restored cluster may have"
                        + " new data; the old cluster kept at " + aside + " can only be brought back by hand.");
            }
            LOG.info("nothing to abort: no upgrade is recorded");
            return;
        }
        LinkJournal journal = new LinkJournal(env.settings().backupDirectory());
        Optional<LinkJournal.Entry> linked = backup.flatMap(b -> journal.readFor(Path.of(b)));
        refuseAfterFirstStart(linked);
        // Taken back before the restore counts: nothing may ever act on a completed-restore journal now.
        new OldClusterDisposal(env.settings().backupDirectory()).discard();
        ClusterRelation relation = oldPath.map(p -> ClusterRelation.of(p, data.path())).orElse(ClusterRelation.SAME_PATH);
        if (relation != ClusterRelation.SAME_PATH) {
            takeBackFrom(data, oldPath.get(), backup.isPresent());
        } else if (!aside.isEmpty()) {
            if (aside.size() > 1) {
                throw refused("several old clusters lie next to PGDATA (" + aside + "); move the right one back by hand.");
            }
            moveBack(data, aside.get(0));
        } else if (data.isRestoreTarget()) {
            throw refused("PGDATA " + data.path() + " holds a partial restore and no old cluster to bring back lies"
                    + " next to it (" + data.path().getFileName() + ".previous-*)" + backup.map(b -> "; the backup is"
                    + " kept at " + b + ": restore again with 'dogu-upgrade retry-restore'").orElse("") + ".");
        } else {
            liftGuardInPlace(data);
        }
        if (LinkJournal.recovery(linked) == LinkJournal.Recovery.RENAME_BACK) {
            // The target with its hard links is gone; the old cluster's control file comes back last.
            LinkJournal.renameControlFileBack(linked.get().oldData());
        }
        journal.clear();
        env.state().remove(StateKeys.MIGRATION_BACKUP_PATH);
        env.state().remove(StateKeys.MIGRATION_OLD_PGDATA);
        env.state().remove(StateKeys.LOCAL_STATE);
        LOG.info("upgrade taken back; state cleared{}", backup.map(b -> ", backup kept at " + b).orElse(""));
    }

    /**
     * After a link-mode pg_upgrade's new cluster started, the old data directory shares its files with
     * it and would start silently with the new cluster's writes: no abort can bring it back.
     */
    private static void refuseAfterFirstStart(Optional<LinkJournal.Entry> linked) {
        LinkJournal.Recovery recovery = LinkJournal.recovery(linked);
        if (recovery == LinkJournal.Recovery.RESTORE_DUMP) {
            throw refused("the new cluster of the pg_upgrade --link run has started, so the old data directory "
                    + linked.get().oldData() + " shares its files with it and is no longer valid. The rollback dump "
                    + linked.get().rollbackDump().get() + " holds the old cluster's data: run startup again (it restores"
                    + " that dump into a fresh cluster), or restore the dump into the old image by hand.");
        }
        if (recovery == LinkJournal.Recovery.NO_WAY_BACK) {
            throw refused("the new cluster of the pg_upgrade --link run has started, so the old data directory "
                    + linked.get().oldData() + " shares its files with it and is no longer valid, and no rollback dump"
                    + " was written (--pg-upgrade-rollback none). Restore the volume snapshot taken before the upgrade.");
        }
    }

    private void moveBack(DataDirectory data, Path old) {
        if (!data.isInitialized() && !data.isEmpty()) {
            throw refused("PGDATA " + data.path() + " holds files that are no cluster; move them away first.");
        }
        if (data.isInitialized() && !data.isRestoreTarget()) {
            throw refused("PGDATA " + data.path() + " holds a PostgreSQL " + data.postgresMajor().orElse("?")
                    + " cluster that is not a restore target of this tool; discarding it could lose data.");
        }
        if (Files.isRegularFile(data.path().resolve("postmaster.pid"))) {
            new StaleServer(data, env.owner(), env.runner(), env.installation()).stopIfOurs();
        }
        try {
            if (Files.exists(data.path())) {
                RestoreTarget.deleteTree(data.path());
            }
            Files.move(old, data.path(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot move the old cluster " + old + " back to "
                    + data.path() + ": " + e.getMessage() + ". Nothing else was changed; move it by hand.", e);
        }
        ReadOnlyGuard.disableOffline(data.path());
        LOG.info("moved the old cluster back: {} -> {}", old, data.path());
    }

    /** Sibling or ancestor: the old cluster stays where it is; the new PGDATA goes (or the moved files come back). */
    private void takeBackFrom(DataDirectory data, Path old, boolean restorePending) {
        if (Files.isRegularFile(data.path().resolve("postmaster.pid"))) {
            new StaleServer(data, env.owner(), env.runner(), env.installation()).stopIfOurs();
        }
        if (!restorePending) {
            // Same major, only the layout changed: post-upgrade moved the files; move them back.
            new ClusterRelocation(old, data.path(), env.owner()).undo();
        } else if (Files.exists(data.path())) {
            if (data.isInitialized() && !data.isRestoreTarget()) {
                throw refused("PGDATA " + data.path() + " holds a PostgreSQL " + data.postgresMajor().orElse("?")
                        + " cluster that is not a restore target of this tool; discarding it could lose data.");
            }
            if (!data.isInitialized() && !data.isEmpty()) {
                throw refused("PGDATA " + data.path() + " holds files that are no cluster; move them away first.");
            }
            RestoreTarget.deleteTree(data.path());
            try {
                ClusterRelocation.removeEmpty(data.path().toAbsolutePath().getParent(), commonRoot(old, data.path()));
            } catch (IOException e) {
                LOG.warn("could not remove the empty directories above {}: {}", data.path(), e.getMessage());
            }
            LOG.info("removed the new image's PGDATA {} (a restore that had not finished)", data.path());
        }
        if (!Files.isRegularFile(old.resolve("PG_VERSION"))) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "The old cluster recorded in " + old + " is not there"
                    + " (no PG_VERSION); abort cannot bring it back. The backup is kept: restore it by hand.");
        }
        ReadOnlyGuard.disableOffline(old);
        LOG.info("the old image finds its cluster in {} again", old);
    }

    private static Path commonRoot(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        while (x != null && !y.startsWith(x)) {
            x = x.getParent();
        }
        return x == null ? y.getRoot() : x;
    }

    private void liftGuardInPlace(DataDirectory data) {
        if (serverRunsOn(data)) {
            new ReadOnlyGuard(env.clientTools(), env.runner(), env.owner().name()).disable();
        } else if (data.isInitialized()) {
            ReadOnlyGuard.disableOffline(data.path());
        }
    }

    private static boolean serverRunsOn(DataDirectory data) {
        try {
            List<String> pid = Files.readAllLines(data.path().resolve("postmaster.pid"));
            return !pid.isEmpty() && ProcessHandle.of(Long.parseLong(pid.get(0).strip())).map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static List<Path> movedAside(DataDirectory data) {
        List<Path> found = new ArrayList<>();
        Path parent = data.path().toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return found;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, data.path().getFileName() + ".previous-*")) {
            s.forEach(found::add);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot look for old clusters next to " + data.path()
                    + ": " + e.getMessage(), e);
        }
        return found;
    }

    private static UpgradeException refused(String why) {
        return new UpgradeException(ErrorCode.UPGRADE_FAILED, "abort refused: " + why);
    }
}
