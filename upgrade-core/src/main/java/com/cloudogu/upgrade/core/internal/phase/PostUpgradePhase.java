package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.migration.MigrationRunner;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelation;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelocation;
import com.cloudogu.upgrade.core.internal.layout.NewDataDirectory;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.restore.RestoreTarget;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import com.cloudogu.upgrade.core.internal.server.StaleServer;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * post-upgrade, in the new container. Restore case: verify the backup and move the old cluster
 * aside (the restore runs on the next startup, or here when configured). Regular case: run the
 * pending migrations on a temporary server. Either way {@code local_state} is removed at the end,
 * or set to {@code failed: <reason>} so a waiting startup stops at once.
 */
public final class PostUpgradePhase {

    private static final Logger LOG = LoggerFactory.getLogger(PostUpgradePhase.class);
    static final String NAME = "post-upgrade";

    private final PhaseEnvironment env;
    private final RestoreProcedure restore;

    /** @param env the phase environment, which supplies the collaborators */
    public PostUpgradePhase(PhaseEnvironment env) {
        this(env, new RestoreProcedure(env));
    }

    /**
     * @param env the phase environment
     * @param restore verifies the recorded backup and restores it (here, when so configured)
     */
    PostUpgradePhase(PhaseEnvironment env, RestoreProcedure restore) {
        this.env = env;
        this.restore = restore;
    }

    /**
     * @param from version upgraded from
     * @param to version upgraded to
     */
    public void run(DoguVersion from, DoguVersion to) {
        if (from.equals(to)) {
            if (env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(b -> !b.isBlank()).isEmpty()) {
                UnfinishedRestore.refuseTarget(env.data(), NAME);
            } else if (UnfinishedRestore.recordedFailure(env.state()).isPresent()) {
                // Not the upgrade's own post-upgrade: clearing a failed restore here would let every
                // start redo it. retry-restore or post-upgrade FROM TO clears it on purpose.
                LOG.info("{}: {} == {}, nothing to do; the recorded restore failure stays (dogu-upgrade retry-restore"
                        + " clears it)", NAME, from, to);
                return;
            }
            env.state().remove(StateKeys.LOCAL_STATE);
            LOG.info("{}: {} == {}, nothing to do", NAME, from, to);
            return;
        }
        Versions.refuseDowngrade(from, to);
        env.runPhase(NAME, () -> {
            try (PhaseLock lock = PhaseLock.acquire(env.settings().lockFile(), NAME)) {
                try {
                    upgrade(from, to);
                    if (env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(b -> !b.isBlank()).isEmpty()) {
                        env.state().remove(StateKeys.MIGRATION_OLD_PGDATA);
                    }
                    env.state().remove(StateKeys.LOCAL_STATE);
                } catch (UpgradeException e) {
                    env.recordFailure(e.getMessage());
                    throw e;
                }
            }
        });
    }

    private void upgrade(DoguVersion from, DoguVersion to) {
        // Discover first: a broken plugin jar fails here, before anything is moved or started.
        env.migrations();
        ServerOwner owner = env.owner();
        DataDirectory data = env.data();
        Optional<RestoreProcedure.Verified> backup = restore.verifyRecordedBackup();
        Path oldPath = restore.oldClusterPath(backup);
        ClusterRelation relation = ClusterRelation.of(oldPath, data.path());
        PostgresInstallation installation = env.installation();
        if (backup.isPresent()) {
            Checkpoint.POST_UPGRADE_BACKUP_VERIFIED.reach();
            if (relation == ClusterRelation.SAME_PATH) {
                requireExists(data);
                // Under the lock, so it cannot race with a restore that replaces PGDATA.
                owner.chown(data.path());
                new RestoreTarget(data, installation.major(), owner).moveOldClusterAside();
            } else {
                NewDataDirectory.ensure(data.path(), owner);
                owner.chown(data.path());
                LOG.info("the old cluster in {} ({} of PGDATA {}) stays untouched until the restore is verified",
                        oldPath, relation.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), data.path());
            }
            Checkpoint.POST_UPGRADE_OLD_CLUSTER_MOVED.reach();
            if (env.settings().restoreInPostUpgrade()) {
                restore.run(backup.get());
            } else {
                // A rerun after a failed restore: what the next startup finds is an empty PGDATA, never a
                // partial restore (startup would wipe it anyway; this way no phase ends on one).
                if (Files.isRegularFile(data.path().resolve("postmaster.pid"))) {
                    new StaleServer(data, owner, env.runner(), installation).stopIfOurs();
                }
                new RestoreTarget(data, installation.major(), owner).discardPartial();
                LOG.info("restore of {} prepared; it runs on the next startup", backup.get().file());
            }
            return;
        }
        if (relation != ClusterRelation.SAME_PATH) {
            ClusterRelocation relocation = new ClusterRelocation(oldPath, data.path(), owner);
            if (relocation.pending()) {
                String oldMajor = new DataDirectory(oldPath).postgresMajor()
                        .or(() -> data.postgresMajor()).orElse("?");
                if (!oldMajor.equals(Integer.toString(installation.major()))) {
                    throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "The old cluster in " + oldPath + " is"
                            + " PostgreSQL " + oldMajor + " but this image runs PostgreSQL " + installation.major()
                            + " and no backup is recorded (" + StateKeys.MIGRATION_BACKUP_PATH + " is unset). Run"
                            + " pre-upgrade " + from + " " + to + " in the old container first. Nothing was changed.");
                }
                relocation.run();
                Checkpoint.POST_UPGRADE_CLUSTER_RELOCATED.reach();
            }
        }
        // No restore is recorded: a partial restore target here is an upgrade taken back or whose state was
        // lost. Running migrations on it and reporting success would let the image serve it.
        UnfinishedRestore.refuseTarget(data, NAME);
        if (!data.isInitialized()) {
            LOG.info("no cluster in {}; nothing to migrate (a fresh install happens on startup)", data.path());
            return;
        }
        // Under the lock, so it cannot race with a restore that replaces PGDATA.
        owner.chown(data.path());
        String major = data.postgresMajor().orElseThrow();
        if (!major.equals(Integer.toString(installation.major()))) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " holds a PostgreSQL " + major
                    + " cluster but this image runs PostgreSQL " + installation.major() + " and no backup is recorded ("
                    + StateKeys.MIGRATION_BACKUP_PATH + " is unset). Run pre-upgrade " + from + " " + to
                    + " in the old container first. Nothing was changed.");
        }
        try (TemporaryServer server = TemporaryServer.start(installation, data, owner, owner.name(), env.runner(),
                env.settings().serverStartTimeout())) {
            Checkpoint.POST_UPGRADE_SERVER_STARTED.reach();
            new MigrationRunner(env.state(), env.events()).run(env.migrations(), new PhaseMigrationContext(
                    Optional.of(from), Optional.of(to), env.state(), server, env.events()));
        }
    }

    private static void requireExists(DataDirectory data) {
        if (!Files.isDirectory(data.path())) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " does not exist, and the old"
                    + " cluster was recorded there. Set PGDATA (or --pgdata) to the dogu's data directory.");
        }
    }
}
