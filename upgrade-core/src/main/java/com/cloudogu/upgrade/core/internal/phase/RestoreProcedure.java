package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.migration.MigrationRunner;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.format.BackupFormat;
import com.cloudogu.upgrade.core.internal.format.BackupFormats;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelation;
import com.cloudogu.upgrade.core.internal.layout.NewDataDirectory;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.process.OrphanReaper;
import com.cloudogu.upgrade.core.internal.restore.OldClusterDisposal;
import com.cloudogu.upgrade.core.internal.restore.RestoreSpace;
import com.cloudogu.upgrade.core.internal.restore.RestoreTarget;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.DataDirectorySync;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.RestoreSettings;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import com.cloudogu.upgrade.core.internal.server.StaleServer;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Restores the recorded backup into a fresh cluster of the new major ({@link RestoreStep}) and then runs
 * the pending migrations, all on one temporary server, before any client can connect. Shared by startup
 * (the default) and post-upgrade (when configured). Every attempt starts from a fresh cluster.
 */
final class RestoreProcedure {

    private final PhaseEnvironment env;
    private final Supplier<BackupFormats> formats;
    private final BackupVerifier verifier;
    private final RestoreStep step;
    private boolean migrationFailed;

    /** @param env the phase environment, which supplies the collaborators */
    RestoreProcedure(PhaseEnvironment env) {
        this(env, env.backupFormats(), new BackupVerifier(env.settings().backupDirectory()),
                new RestoreStep(env.state(), env.events(), BackupStrategy.jobs(env.settings().jobs())));
    }

    /**
     * @param env the phase environment
     * @param formats the backup formats, asked only when a backup is recorded or a completed restore cleaned up
     * @param verifier locates the recorded backup in the backup directory
     * @param step restores a verified backup on the temporary server
     */
    RestoreProcedure(PhaseEnvironment env, Supplier<BackupFormats> formats, BackupVerifier verifier, RestoreStep step) {
        this.env = env;
        this.formats = formats;
        this.verifier = verifier;
        this.step = step;
    }

    /** @return the verified backup, with the format its manifest records, if one is recorded */
    Optional<Verified> verifyRecordedBackup() {
        Optional<String> recorded = env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank());
        return recorded.map(p -> {
            BackupManifest manifest = verifier.locate(p);
            BackupFormat format = formats.get().forManifest(manifest);
            format.verify(Path.of(p), manifest);
            return new Verified(Path.of(p), manifest, format);
        });
    }

    /**
     * @param backup the recorded backup, if any
     * @return where the old cluster lives: as its manifest says, else as pre-upgrade recorded it in the
     *     state, else (nothing recorded) {@code PGDATA} itself
     */
    Path oldClusterPath(Optional<Verified> backup) {
        return backup.flatMap(b -> b.manifest().oldCluster()).map(OldCluster::path)
                .or(() -> env.state().get(StateKeys.MIGRATION_OLD_PGDATA).filter(s -> !s.isBlank()).map(Path::of))
                .orElse(env.data().path());
    }

    /** Stops a leftover temporary server and finishes removing what a completed restore left behind. */
    void cleanUpAfterInterruption(DataDirectory data) {
        if (Files.isRegularFile(data.path().resolve("postmaster.pid"))) {
            new StaleServer(data, env.owner(), env.runner(), env.installation()).stopIfOurs();
        }
        cleanUp(data);
    }

    void run(Verified backup) {
        PostgresInstallation installation = env.installation();
        ServerOwner owner = env.owner();
        DataDirectory data = env.data();
        checkTargetMajor(backup.manifest(), installation);
        OrphanReaper.endProgramsUsing(env.settings().backupDirectory(), data.path());
        Path oldPath = oldClusterPath(Optional.of(backup));
        ClusterRelation relation = ClusterRelation.of(oldPath, data.path());
        if (relation != ClusterRelation.SAME_PATH) {
            NewDataDirectory.ensure(data.path(), owner);
        }
        RestoreSpace.require(data.path(), backup.manifest().size());
        // A temporary server of a killed earlier attempt may still hold the target: stop it before wiping.
        new StaleServer(data, owner, env.runner(), installation).stopIfOurs();
        RestoreTarget target = new RestoreTarget(data, installation.major(), owner);
        target.recreate(new ClusterInitializer(installation, env.runner(), owner), backup.manifest().cluster(),
                owner.name(), env.state().get(StateKeys.PASSWORD));
        Checkpoint.RESTORE_TARGET_INITIALIZED.reach();
        int jobs = BackupStrategy.jobs(env.settings().jobs());
        // Restore-time settings (no fsync, minimal WAL, ...) are safe on a restore target: until it is
        // promoted, any failure or crash means the next attempt wipes it. Before promoting, the server
        // is stopped cleanly, everything is flushed to disk and it runs on with normal settings.
        BackgroundCleanUp earlyCleanUp = new BackgroundCleanUp(() -> cleanUp(data));
        try (TemporaryServer server = TemporaryServer.prepare(installation, data, owner, owner.name(), env.runner(),
                env.settings().serverStartTimeout(), RestoreSettings.forRestore(jobs))) {
            if (!backup.format().restoresOntoStoppedTarget()) {
                server.ensureRunning();
            }
            Checkpoint.RESTORE_SERVER_STARTED.reach();
            try {
                step.run(backup, server, new RestoreStep.Completion() {
                    @Override
                    public void promote() {
                        server.restartWith(Map.of(), () -> new DataDirectorySync(installation, env.runner(), owner).sync(data));
                        // Journal first, then promote: a promoted cluster always has its disposal recorded.
                        disposal().record(new OldClusterDisposal.Plan(oldPath, backup.manifest().oldCluster()
                                .map(OldCluster::major).orElse(Integer.toString(backup.manifest().sourceServerVersion() / 10000)),
                                relation, env.settings().keepOldCluster(), env.settings().keepBackup(),
                                Optional.of(backup.file())));
                        target.promote();
                    }

                    @Override
                    public void afterCleared() {
                        // The restored cluster counts now: remove the old copies while the migrations run.
                        earlyCleanUp.start();
                    }
                });
                new MigrationRunner(env.state(), env.events()).run(env.migrations(), new PhaseMigrationContext(
                        parse(backup.manifest().from()), parse(backup.manifest().to()), env.state(), server,
                        env.events()));
            } catch (RuntimeException e) {
                migrationFailed = true;
                throw e;
            }
        } finally {
            earlyCleanUp.join();
        }
        Checkpoint.RESTORE_COMPLETED.reach();
        cleanUp(data);
    }

    /** @return whether the restore step or a migration ended with an error in {@link #run} */
    boolean migrationFailed() {
        return migrationFailed;
    }

    /** Removes the old copies on a thread of its own, at most once; {@link #join} waits for it if it started. */
    private static final class BackgroundCleanUp {
        private final Thread thread;
        private boolean started;

        BackgroundCleanUp(Runnable cleanUp) {
            thread = new Thread(cleanUp, "dogu-upgrade-clean-up");
        }

        void start() {
            started = true;
            thread.start();
        }

        void join() {
            if (!started) {
                return;
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkTargetMajor(BackupManifest manifest, PostgresInstallation installation) {
        int sourceMajor = manifest.sourceServerVersion() / 10000;
        if (sourceMajor > installation.major()) {
            throw new UpgradeException(ErrorCode.MAJOR_DOWNGRADE, "The backup comes from PostgreSQL " + sourceMajor
                    + " but this image has PostgreSQL " + installation.major() + "; an older server cannot take it."
                    + " Nothing was changed.");
        }
    }

    private static Optional<DoguVersion> parse(String v) {
        try {
            return Optional.of(DoguVersion.parse(v));
        } catch (UpgradeException e) {
            return Optional.empty();
        }
    }

    /** Carries out the disposal journal of a completed restore, if there is one; idempotent. */
    private void cleanUp(DataDirectory data) {
        if (disposal().carryOut(data)) {
            env.state().remove(StateKeys.MIGRATION_OLD_PGDATA);
        }
    }

    /** The journal of a completed restore; a journal of an earlier version lets every format remove its backups. */
    private OldClusterDisposal disposal() {
        return new OldClusterDisposal(env.settings().backupDirectory(), dir -> formats.get().removeLeftovers(dir));
    }

    /**
     * @param file the backup
     * @param manifest its verified manifest
     * @param format the format it records, which restores it
     */
    record Verified(Path file, BackupManifest manifest, BackupFormat format) {
    }
}
