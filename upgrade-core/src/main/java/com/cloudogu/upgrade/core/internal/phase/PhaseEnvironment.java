package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.backup.BackupPlanner;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.format.BackupFormats;
import com.cloudogu.upgrade.core.internal.format.FormatTools;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every phase works with: settings, state store, process runner, events, and the migrations
 * and backup rules (both discovered lazily, so the no-op paths stay fast).
 */
public final class PhaseEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseEnvironment.class);

    private final UpgradeSettings settings;
    private final StateStore state;
    private final ProcessRunner runner;
    private final EventDispatcher events;
    private final Supplier<List<Migration>> migrations;
    private final Supplier<BackupPlanner> planner;
    private final Executables executables;
    private final Supplier<BackupFormats> backupFormats;

    /**
     * @param settings paths and timeouts
     * @param state the state store
     * @param runner runs external programs
     * @param events receives events
     * @param migrations supplies the ordered migrations (called when first needed)
     * @param planner supplies the backup planner (called when first needed)
     */
    public PhaseEnvironment(UpgradeSettings settings, StateStore state, ProcessRunner runner, EventDispatcher events,
                            Supplier<List<Migration>> migrations, Supplier<BackupPlanner> planner) {
        this.settings = settings;
        this.state = state;
        this.runner = runner;
        this.events = events;
        this.migrations = memoize(migrations);
        this.planner = memoize(planner);
        this.executables = new Executables(settings.path());
        this.backupFormats = memoize(() -> new BackupFormats(new FormatTools(settings.backupDirectory(), clientTools(),
                runner, owner(), events, BackupStrategy.jobs(settings.jobs()), this::installation,
                settings.pgUpgradeMode(), settings.pgUpgradeRollback(), () -> state.get(com.cloudogu.upgrade.api.state.StateKeys.PASSWORD))));
    }

    /**
     * @param s computes a value
     * @param <T> its type
     * @return a supplier that computes it once, on first use, and then returns the same value
     */
    public static <T> Supplier<T> memoize(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }

    /** @return settings */
    public UpgradeSettings settings() {
        return settings;
    }

    /** @return state store */
    public StateStore state() {
        return state;
    }

    /** @return process runner */
    public ProcessRunner runner() {
        return runner;
    }

    /** @return event sink */
    public EventDispatcher events() {
        return events;
    }

    /** @return the ordered migrations */
    public List<Migration> migrations() {
        return migrations.get();
    }

    /** @return the backup planner */
    public BackupPlanner planner() {
        return planner.get();
    }

    /**
     * @return the backup formats, built on first use (they need the owner, a state read that the no-op
     *     paths do without)
     */
    public Supplier<BackupFormats> backupFormats() {
        return backupFormats;
    }

    /** @return {@code PGDATA} */
    public DataDirectory data() {
        return new DataDirectory(settings.dataDirectory());
    }

    /** @return the database OS user and superuser name (state key {@code user}, default {@code postgres}) */
    public ServerOwner owner() {
        return new ServerOwner(state.get(StateKeys.USER).filter(s -> !s.isBlank()).orElse("postgres"),
                runner.userSwitch().root());
    }

    /** @return the server programs on PATH */
    public PostgresInstallation installation() {
        return PostgresInstallation.find(executables, runner);
    }

    /** @return the client programs on PATH */
    public ClientTools clientTools() {
        return new ClientTools(executables, runner);
    }

    /**
     * Runs a phase body with start/finish/failure events and a log line with its duration.
     *
     * @param phase the phase name
     * @param body the work
     */
    public void runPhase(String phase, Runnable body) {
        long t0 = System.nanoTime();
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.PHASE_STARTED, phase, Duration.ZERO, ""));
        try {
            body.run();
        } catch (UpgradeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.PHASE_FAILED, phase, took, e.getMessage()));
            LOG.error("{} failed after {} ms [{}]: {}", phase, took.toMillis(), e.code().code(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.PHASE_FAILED, phase, took, String.valueOf(e)));
            throw new UpgradeException(ErrorCode.UPGRADE_FAILED, phase + " failed unexpectedly: " + e, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.PHASE_FINISHED, phase, took, ""));
        LOG.info("{} finished in {} ms", phase, took.toMillis());
    }

    /**
     * Records a failure in {@code local_state} so a waiting startup ends at once with the reason;
     * best effort, the original error is what gets reported.
     *
     * @param reason the failure message
     */
    public void recordFailure(String reason) {
        try {
            state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + reason.replace('\n', ' '));
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure in the state store: {}", e.getMessage());
        }
    }
}
