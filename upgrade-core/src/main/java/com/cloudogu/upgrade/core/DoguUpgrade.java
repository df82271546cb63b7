package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.backup.BackupDecision;
import com.cloudogu.upgrade.core.internal.backup.BackupPlanner;
import com.cloudogu.upgrade.core.internal.backup.MethodRecord;
import com.cloudogu.upgrade.core.internal.backup.RunningCluster;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationSize;
import com.cloudogu.upgrade.core.internal.pgupgrade.MethodPlan;
import com.cloudogu.upgrade.core.CheckReport;
import com.cloudogu.upgrade.core.internal.check.CompatibilityChecker;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.DiscoveredMigration;
import com.cloudogu.upgrade.core.internal.migration.MigrationRegistry;
import com.cloudogu.upgrade.core.internal.phase.AbortPhase;
import com.cloudogu.upgrade.core.internal.phase.PhaseEnvironment;
import com.cloudogu.upgrade.core.internal.phase.PostUpgradePhase;
import com.cloudogu.upgrade.core.internal.phase.PreUpgradePhase;
import com.cloudogu.upgrade.core.internal.phase.RetryRestorePhase;
import com.cloudogu.upgrade.core.internal.phase.StartupPhase;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The entry point for tools that run dogu-upgrade's phases, the CLI among them:
 *
 * <pre>{@code
 * DoguUpgrade upgrade = DoguUpgrade.builder()
 *         .settings(UpgradeSettings.builder().dataDirectory(Path.of("/var/lib/postgresql/17/docker")).build())
 *         .stateStore(myStore)
 *         .listener(event -> System.out.println(event))
 *         .build();
 * upgrade.postUpgrade(DoguVersion.parse("14.15-2"), DoguVersion.parse("17.6-1"));
 * }</pre>
 *
 * Migrations and backup rules are discovered with {@link java.util.ServiceLoader} from the class
 * loader given (default: this class's), only when a phase needs them.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class DoguUpgrade {

    private final PhaseEnvironment env;
    private final Supplier<List<DiscoveredMigration>> discovered;

    private DoguUpgrade(PhaseEnvironment env, Supplier<List<DiscoveredMigration>> discovered) {
        this.env = env;
        this.discovered = discovered;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs pre-upgrade in the old container.
     *
     * @param from version upgraded from
     * @param to version upgraded to
     */
    public void preUpgrade(DoguVersion from, DoguVersion to) {
        new PreUpgradePhase(env).run(from, to);
    }

    /**
     * Runs post-upgrade in the new container.
     *
     * @param from version upgraded from
     * @param to version upgraded to
     */
    public void postUpgrade(DoguVersion from, DoguVersion to) {
        new PostUpgradePhase(env).run(from, to);
    }

    /** Runs startup: wait for a running upgrade, restore or initialize if needed. */
    public void startup() {
        new StartupPhase(env).run();
    }

    /** Takes back an upgrade that has not completed; refuses when that could lose data. */
    public void abort() {
        new AbortPhase(env).run();
    }

    /**
     * After a failed restore whose cause was fixed: verifies the kept backup, discards the partial
     * restore target and clears the recorded failure, so the next startup restores again from a fresh
     * cluster. Refused while an upgrade runs or when no restore is pending.
     */
    public void retryRestore() {
        new RetryRestorePhase(env).run();
    }

    /**
     * @param from version upgraded from
     * @param to version upgraded to
     * @return what an upgrade would do; nothing is changed
     */
    public UpgradePlan plan(DoguVersion from, DoguVersion to) {
        BackupDecision decision = from.equals(to) ? new BackupDecision(List.of()) : env.planner().decide(from, to);
        List<String> pending = new ArrayList<>();
        List<String> done = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (Migration m : env.migrations()) {
            if (m.marker().isEmpty()) {
                checked.add(m.id());
            } else if (MigrationRules.isDone(env.state().get(m.marker().get()))) {
                done.add(m.id());
            } else {
                pending.add(m.id());
            }
        }
        MethodPlan method = from.equals(to) ? new MethodPlan("none", "FROM equals TO: nothing to do", "", "",
                List.of(), "none needed") : methodPlan(from, to, decision.required());
        return new UpgradePlan(from.toString(), to.toString(), from.isMajorUpgradeTo(to), decision.reasons(), pending,
                done, checked, compatibilityLines(from, to), method.method(), method.methodReason(), method.mode(),
                method.modeReason(), method.space(), method.rollback());
    }

    /** Measures what the method's part of the plan needs: the old cluster's size, the installation's, free space. */
    private MethodPlan methodPlan(DoguVersion from, DoguVersion to, boolean backupRequired) {
        UpgradeSettings s = env.settings();
        OptionalLong cluster = OptionalLong.empty();
        OptionalLong installation = OptionalLong.empty();
        if (backupRequired) {
            try {
                cluster = OptionalLong.of(new RunningCluster(env.clientTools(), env.runner(), env.owner().name()).facts()
                        .sizeBytes());
            } catch (UpgradeException e) {
                // no old server to ask here (e.g. plan run in the new container): the sizes say "unknown"
            }
            if (s.upgradeMethod() == UpgradeMethod.PG_UPGRADE) {
                try {
                    installation = InstallationSize.estimate(env.installation(), env.runner());
                } catch (UpgradeException e) {
                    // no PostgreSQL on PATH
                }
            }
        }
        return MethodPlan.of(new MethodPlan.Facts(s.upgradeMethod(), s.pgUpgradeMode(), backupRequired,
                from.isMajorUpgradeTo(to), cluster, installation, freeOnVolume(s.dataDirectory())));
    }

    private static OptionalLong freeOnVolume(java.nio.file.Path dataDirectory) {
        java.nio.file.Path p = dataDirectory.toAbsolutePath();
        while (p != null && !java.nio.file.Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? OptionalLong.empty() : OptionalLong.of(java.nio.file.Files.getFileStore(p).getUsableSpace());
        } catch (java.io.IOException e) {
            return OptionalLong.empty();
        }
    }

    private List<String> compatibilityLines(DoguVersion from, DoguVersion to) {
        if (!CompatibilityChecker.needed(from, to)) {
            return List.of();
        }
        try {
            return check(from, to).details();
        } catch (UpgradeException e) {
            return List.of("not run: " + e.getMessage());
        }
    }

    /**
     * Runs the compatibility checks against the running old server, as pre-upgrade does first (and
     * refuses when one finds something). Changes nothing.
     *
     * @param from version upgraded from
     * @param to version upgraded to
     * @return what the checks found; {@link CheckReport#ran()} is false when the major does not change
     */
    public CheckReport check(DoguVersion from, DoguVersion to) {
        if (!CompatibilityChecker.needed(from, to)) {
            return CheckReport.notNeeded(from.toString(), to.toString());
        }
        return CompatibilityChecker.forRunningCluster(env.clientTools(), env.runner(), env.owner().name()).check(from, to);
    }

    /** @return the recorded upgrade state */
    public UpgradeStatus status() {
        Map<String, Boolean> markers = new LinkedHashMap<>();
        for (Migration m : env.migrations()) {
            m.marker().ifPresent(k -> markers.put(k, MigrationRules.isDone(env.state().get(k))));
        }
        return new UpgradeStatus(env.state().get(StateKeys.LOCAL_STATE).orElse(""),
                env.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElse(""),
                env.settings().dataDirectory().toString(), env.data().postgresMajor().orElse(""), markers,
                env.state().get(StateKeys.MIGRATION_OLD_PGDATA).orElse(""),
                MethodRecord.readFrom(env.settings().dataDirectory()).map(r -> new UpgradeStatus.MethodRun(r.method(),
                        r.rung(), r.mode(), r.reason(), r.from(), r.to(), r.line())));
    }

    /** @return every discovered migration with its source, in run order */
    public List<DiscoveredMigration> migrations() {
        return discovered.get();
    }

    /** Builds a {@link DoguUpgrade}. */
    public static final class Builder {
        private UpgradeSettings settings = UpgradeSettings.builder().build();
        private StateStore stateStore;
        private final EventDispatcher events = new EventDispatcher();
        private ClassLoader classLoader = DoguUpgrade.class.getClassLoader();

        private Builder() {
        }

        /** @param v paths and timeouts @return this */
        public Builder settings(UpgradeSettings v) {
            settings = Objects.requireNonNull(v);
            return this;
        }

        /** @param v where state and markers are kept (required) @return this */
        public Builder stateStore(StateStore v) {
            stateStore = Objects.requireNonNull(v);
            return this;
        }

        /** @param v receives phase, migration and progress events; may be called repeatedly @return this */
        public Builder listener(UpgradeListener v) {
            events.add(Objects.requireNonNull(v));
            return this;
        }

        /** @param v where migrations and backup rules are discovered (e.g. with plugin jars) @return this */
        public Builder classLoader(ClassLoader v) {
            classLoader = Objects.requireNonNull(v);
            return this;
        }

        /** @return the configured entry point */
        public DoguUpgrade build() {
            Objects.requireNonNull(stateStore, "a state store is required");
            ClassLoader loader = classLoader;
            Supplier<List<DiscoveredMigration>> discovered = PhaseEnvironment.memoize(() -> MigrationRegistry.discover(loader).migrations());
            Supplier<List<Migration>> migrations = () -> discovered.get().stream().map(DiscoveredMigration::migration).toList();
            PhaseEnvironment env = new PhaseEnvironment(settings, stateStore,
                    ProcessRunner.forCurrentProcess(), events, migrations,
                    () -> BackupPlanner.discover(loader));
            return new DoguUpgrade(env, discovered);
        }
    }
}
