package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.backup.BackupDecision;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.backup.ReadOnlyGuard;
import com.cloudogu.upgrade.core.internal.backup.RunningCluster;
import com.cloudogu.upgrade.core.internal.check.CompatibilityChecker;
import com.cloudogu.upgrade.core.internal.format.BackupFormats;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.restore.RestoreSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pre-upgrade, in the old container with the old server running: decide whether a full backup is
 * needed, write and verify it, record its path, and set {@code local_state=upgrading} last. A failed
 * or interrupted run leaves the old instance untouched and can simply be run again.
 */
public final class PreUpgradePhase {

    private static final Logger LOG = LoggerFactory.getLogger(PreUpgradePhase.class);
    static final String NAME = "pre-upgrade";

    private final PhaseEnvironment env;
    private final Supplier<BackupFormats> formats;

    /** @param env the phase environment, which supplies the backup formats */
    public PreUpgradePhase(PhaseEnvironment env) {
        this(env, env.backupFormats());
    }

    /**
     * @param env the phase environment
     * @param formats the backup formats, asked only when a backup is written
     */
    PreUpgradePhase(PhaseEnvironment env, Supplier<BackupFormats> formats) {
        this.env = env;
        this.formats = formats;
    }

    /**
     * The old cluster's path is recorded for the new container; it must be the cluster that is dumped,
     * or post-upgrade would later remove (or bring back) the wrong directory.
     */
    private void requireDumpedClusterIsPgdata(RunningCluster.Facts facts, Optional<OldCluster> old) {
        Path pgdata = env.settings().dataDirectory();
        if (!sameDirectory(facts.dataDirectory(), pgdata)) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "The running server's data directory is "
                    + facts.dataDirectory() + " but PGDATA is " + pgdata + (old.isEmpty() ? " (no cluster there)" : "")
                    + ". Set PGDATA (or --pgdata) to the old container's data directory and run pre-upgrade again;"
                    + " nothing was written.");
        }
    }

    /** Refuses, and removes the unrecorded backup, if the new container could not restore it. */
    private void requireRestoreSpace(Path backup) {
        try {
            RestoreSpace.requireBeforeSwitch(env.settings().dataDirectory(), BackupFiles.size(backup));
        } catch (UpgradeException e) {
            try {
                Files.deleteIfExists(BackupManifest.pathFor(backup));
                BackupFiles.deleteTree(backup);
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            throw e;
        }
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * @param from version upgraded from
     * @param to version upgraded to
     */
    public void run(DoguVersion from, DoguVersion to) {
        if (from.equals(to)) {
            LOG.info("{}: {} == {}, nothing to do", NAME, from, to);
            return;
        }
        Versions.refuseDowngrade(from, to);
        env.runPhase(NAME, () -> {
            try (PhaseLock lock = PhaseLock.acquire(env.settings().lockFile(), NAME)) {
                CompatibilityChecker.forRunningCluster(env.clientTools(), env.runner(), env.owner().name())
                        .refuseIfIncompatible(from, to); // before anything is written: nothing to undo
                BackupDecision decision = env.planner().decide(from, to);
                Optional<OldCluster> old = OldCluster.inspect(env.settings().dataDirectory());
                if (old.isEmpty()) {
                    LOG.warn("PGDATA {} holds no cluster (no PG_VERSION); post-upgrade will not find the old cluster"
                            + " unless it is at the new image's PGDATA", env.settings().dataDirectory());
                } else {
                    LOG.info("old cluster: PostgreSQL {} in {} (owner {})", old.get().major(), old.get().path(),
                            old.get().owner());
                }
                Optional<Path> backup = Optional.empty();
                if (decision.required()) {
                    LOG.info("full backup required: {}", String.join("; ", decision.reasons()));
                    ServerOwner owner = env.owner();
                    RunningCluster cluster = new RunningCluster(env.clientTools(), env.runner(), owner.name());
                    RunningCluster.Facts facts = cluster.facts();
                    requireDumpedClusterIsPgdata(facts, old);
                    ReadOnlyGuard guard = new ReadOnlyGuard(env.clientTools(), env.runner(), owner.name());
                    if (env.settings().readOnlyDuringBackup()) {
                        guard.enable();
                    }
                    try {
                        backup = Optional.of(formats.get().forDump(env.settings().upgradeMethod(), env.settings().backupStrategy())
                                .dump(new DumpRequest(facts, from.toString(), to.toString(), old)));
                        requireRestoreSpace(backup.get());
                    } catch (RuntimeException e) {
                        if (env.settings().readOnlyDuringBackup()) {
                            guard.disable(); // a failed pre-upgrade leaves the old instance fully usable
                        }
                        throw e;
                    }
                } else {
                    LOG.info("no full backup required for {} -> {}", from, to);
                }
                // Where the old cluster lives: the new image's PGDATA may be another path on the volume.
                if (old.isPresent()) {
                    env.state().set(StateKeys.MIGRATION_OLD_PGDATA, old.get().path().toString());
                } else {
                    env.state().remove(StateKeys.MIGRATION_OLD_PGDATA);
                }
                if (backup.isPresent()) {
                    env.state().set(StateKeys.MIGRATION_BACKUP_PATH, backup.get().toString());
                    Checkpoint.PRE_UPGRADE_BACKUP_PATH_RECORDED.reach();
                }
                env.state().set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            }
        });
    }
}
