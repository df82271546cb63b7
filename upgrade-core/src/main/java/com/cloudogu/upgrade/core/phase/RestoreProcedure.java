package com.cloudogu.upgrade.core.phase;

import com.cloudogu.upgrade.core.checkpoint.Checkpoints;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.backup.BackupManifest;
import com.cloudogu.upgrade.core.backup.BackupVerifier;
import com.cloudogu.upgrade.core.restore.DumpRestore;
import com.cloudogu.upgrade.core.restore.RestoreTarget;
import com.cloudogu.upgrade.core.server.ClusterInitializer;
import com.cloudogu.upgrade.core.server.DataDirectory;
import com.cloudogu.upgrade.core.server.PostgresInstallation;
import com.cloudogu.upgrade.core.server.ServerOwner;
import com.cloudogu.upgrade.core.server.StaleServer;
import com.cloudogu.upgrade.core.server.TemporaryServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the recorded backup into a fresh cluster of the new major and runs the pending
 * migrations, all on one temporary server, before any client can connect. Shared by startup (the
 * default) and post-upgrade (when configured). Every attempt starts from a fresh cluster.
 */
final class RestoreProcedure {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProcedure.class);

    private final PhaseEnvironment env;

    RestoreProcedure(PhaseEnvironment env) {
        this.env = env;
    }

    /** @return the verified manifest of the recorded backup, if one is recorded */
    Optional<Verified> verifyRecordedBackup() {
        Optional<String> recorded = env.state().get(StateKeys.MIGRATION_BACKUP_PATH).filter(s -> !s.isBlank());
        return recorded.map(p -> new Verified(Path.of(p),
                new BackupVerifier(env.settings().backupDirectory()).verify(p)));
    }

    void run(Verified backup) {
        PostgresInstallation installation = env.installation();
        ServerOwner owner = env.owner();
        DataDirectory data = env.data();
        checkTargetMajor(backup.manifest(), installation);
        // A temporary server of a killed earlier attempt may still hold the target: stop it before wiping.
        new StaleServer(data, owner, env.runner(), installation).stopIfOurs();
        RestoreTarget target = new RestoreTarget(data, installation.major(), owner);
        target.recreate(new ClusterInitializer(installation, env.runner(), owner), backup.manifest().cluster(),
                owner.name(), env.state().get(StateKeys.PASSWORD));
        Checkpoints.reach("restore.target-initialized");
        try (TemporaryServer server = TemporaryServer.start(installation, data, owner, owner.name(), env.runner(),
                env.settings().serverStartTimeout())) {
            Checkpoints.reach("restore.server-started");
            DumpRestore restore = new DumpRestore(backup.file(), backup.manifest(), server, env.clientTools(),
                    env.runner(), env.state(), env.events(), target::promote);
            new MigrationRunner(env.state(), env.events()).run(env.migrations(), new PhaseMigrationContext(
                    parse(backup.manifest().from()), parse(backup.manifest().to()), env.state(), server,
                    Optional.of(restore), env.events()));
        }
        if (env.state().get(StateKeys.MIGRATION_BACKUP_PATH).isPresent()) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "No migration restored the backup " + backup.file()
                    + " (is the built-in 01-restore migration missing from the classpath?). Nothing was deleted.");
        }
        Checkpoints.reach("restore.completed");
        cleanUp(backup.file(), data);
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

    private void cleanUp(Path backup, DataDirectory data) {
        if (!env.settings().keepBackup()) {
            try {
                Files.deleteIfExists(BackupManifest.pathFor(backup));
                Files.deleteIfExists(backup);
                LOG.info("removed the restored backup {} (keep it with --keep-backup)", backup);
            } catch (IOException e) {
                LOG.warn("could not remove the restored backup {}: {}", backup, e.getMessage());
            }
        }
        if (!env.settings().keepOldCluster()) {
            Path parent = data.path().toAbsolutePath().getParent();
            try (DirectoryStream<Path> old = Files.newDirectoryStream(parent, data.path().getFileName() + ".previous-*")) {
                for (Path p : old) {
                    RestoreTarget.deleteTree(p);
                    LOG.info("removed the old cluster {} after the successful restore (keep it with --keep-old-cluster)", p);
                }
            } catch (IOException e) {
                LOG.warn("could not list old clusters next to {}: {}", data.path(), e.getMessage());
            }
        }
    }

    /**
     * @param file the backup
     * @param manifest its verified manifest
     */
    record Verified(Path file, BackupManifest manifest) {
    }
}
