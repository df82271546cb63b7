package com.cloudogu.upgrade.core.phase;

import com.cloudogu.upgrade.core.checkpoint.Checkpoints;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.backup.BackupDecision;
import com.cloudogu.upgrade.core.backup.BackupStrategy;
import com.cloudogu.upgrade.core.backup.ClusterDumper;
import com.cloudogu.upgrade.core.backup.ParallelClusterDumper;
import com.cloudogu.upgrade.core.backup.ReadOnlyGuard;
import com.cloudogu.upgrade.core.backup.RunningCluster;
import com.cloudogu.upgrade.core.check.CompatibilityChecker;
import com.cloudogu.upgrade.core.lock.PhaseLock;
import com.cloudogu.upgrade.core.server.ServerOwner;
import com.cloudogu.upgrade.core.layout.OldCluster;
import java.nio.file.Path;
import java.util.Optional;
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

    /** @param env the phase environment */
    public PreUpgradePhase(PhaseEnvironment env) {
        this.env = env;
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
                    ReadOnlyGuard guard = new ReadOnlyGuard(env.clientTools(), env.runner(), owner.name());
                    if (env.settings().readOnlyDuringBackup()) {
                        guard.enable();
                    }
                    try {
                        backup = Optional.of(env.settings().backupStrategy() == BackupStrategy.PARALLEL
                                ? new ParallelClusterDumper(env.settings().backupDirectory(), env.clientTools(),
                                        env.runner(), owner, env.events(), BackupStrategy.jobs(env.settings().jobs()))
                                        .dump(facts, from.toString(), to.toString(), old)
                                : new ClusterDumper(env.settings().backupDirectory(), env.clientTools(), env.runner(),
                                        owner, env.events()).dump(facts, from.toString(), to.toString(), old));
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
                    Checkpoints.reach("pre-upgrade.backup-path-recorded");
                }
                env.state().set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            }
        });
    }
}
