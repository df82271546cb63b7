package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_upgrade method (auto mode, which copies on this file system) killed with SIGKILL at every
 * step boundary of a major upgrade that it reaches, through the real CLI jar, Debian 15 to 17, on
 * the dogu's two volume layouts. One upgrade per layout is killed again and again: each run of a
 * phase holds at the next boundary not yet killed at (the engine's own list, {@link Checkpoint.Flow#MAJOR_UPGRADE}),
 * is killed there, and is run again, as an orchestrator does; a boundary this method does not pass
 * (the plain restore's progress) is recorded as such; of the boundaries after the restore's completion,
 * which only the run that completes it passes, the first is killed at. At the end the data must be identical, the
 * state clear and nothing left on the volume but the new cluster.
 */
class PgUpgradeFaultIT {

    private static final String NEW_PASSWORD = "n3w-pg-upgrade-fault-secret";
    private static final Map<String, String> METHOD = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade");
    private static final PostgresBinaries OLD_IMAGE = PostgresBinaries.of(DebianInstallations.get(15));
    private static final PostgresBinaries NEW_IMAGE = PostgresBinaries.of(DebianInstallations.get(17));
    private static final String FROM = "15." + OLD_IMAGE.minor() + "-1";
    private static final String TO = "17." + NEW_IMAGE.minor() + "-1";
    private static final List<String> PHASES = List.of("pre-upgrade", "post-upgrade", "startup");
    /** Boundaries of the dump method that the pg_upgrade method has no reason to pass. */
    private static final List<Checkpoint> NOT_ON_THIS_PATH = List.of(Checkpoint.RESTORE_HALFWAY);
    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

    @ParameterizedTest(name = "{0} layout")
    @EnumSource(value = EmbeddedDogu.Layout.class, names = {"PER_MAJOR", "LEGACY"})
    void aKillAtEveryBoundaryOfThePgUpgradeMethodIsRecoveredByRunningThePhaseAgain(EmbeddedDogu.Layout layout,
                                                                                 @TempDir Path root) throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            ClusterFingerprint before = prepare(dogu);
            List<Checkpoint> killedAt = new ArrayList<>();
            List<Checkpoint> passedBy = new ArrayList<>();
            for (String phase : PHASES) {
                if (phase.equals("post-upgrade")) {
                    dogu.stopServer(); // the old container stops
                }
                PostgresBinaries image = phase.equals("pre-upgrade") ? OLD_IMAGE : NEW_IMAGE;
                List<Checkpoint> pending = new ArrayList<>(Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).stream()
                        .filter(c -> c.phase().equals(phase)).toList());
                while (true) {
                    Map<String, String> env = new HashMap<>(METHOD);
                    env.put("DOGU_UPGRADE_HOLD_AT", String.join(",", pending.stream().map(Checkpoint::id).toList()));
                    CliProcess.Started run = dogu.cli(image).start(env, args(phase));
                    Checkpoint held = awaitHoldOrExit(run, pending);
                    if (held == null) {
                        assertThat(run.await(60).exitCode()).as(phase + " ran to its end:\n" + run.stderrSoFar())
                                .isZero();
                        passedBy.addAll(pending);
                        break;
                    }
                    run.kill();
                    int at = pending.indexOf(held);
                    passedBy.addAll(pending.subList(0, at));
                    killedAt.add(held);
                    pending = new ArrayList<>(pending.subList(at + 1, pending.size()));
                    RESULTS.put(layout + String.format(" %02d", Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).indexOf(held)),
                            "| " + layout + " | " + phase + " | `" + held.id() + "` | killed, phase re-run |");
                }
            }
            // Up to the restore's completion every boundary is killed at in turn. The boundaries after it
            // (the old cluster's disposal in the background, the step's and the procedure's end) are passed
            // only by the one run that completes the restore: the chain kills at the first of them, and
            // the run after that finds the restore recorded as complete. That code is the same for every
            // format; FaultMatrixIT kills at each of them in an upgrade of its own.
            int completion = Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).indexOf(Checkpoint.RESTORE_BEFORE_COMPLETE);
            List<Checkpoint> upToCompletion = Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).subList(0, completion + 1)
                    .stream().filter(c -> !NOT_ON_THIS_PATH.contains(c)).toList();
            assertThat(killedAt).as("killed at").startsWith(upToCompletion.toArray(Checkpoint[]::new))
                    .hasSizeGreaterThan(upToCompletion.size());
            assertThat(passedBy).as("passed by without a kill").containsAll(NOT_ON_THIS_PATH)
                    .allMatch(c -> NOT_ON_THIS_PATH.contains(c)
                            || Checkpoint.of(Checkpoint.Flow.MAJOR_UPGRADE).indexOf(c) > completion);
            assertUpgraded(dogu, before);
            RESULTS.put(layout + " 99", "| " + layout + " | all | " + killedAt.size() + " kills | data identical, state"
                    + " clear, only the new cluster left: pass (" + (System.nanoTime() - t0) / 1_000_000_000 + " s) |");
        }
    }

    /** @return the boundary the run holds at, or null when it ended without holding */
    private static Checkpoint awaitHoldOrExit(CliProcess.Started run, List<Checkpoint> pending) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            String log = run.stderrSoFar();
            for (Checkpoint c : pending) {
                if (log.contains("holding at " + c.id() + " ")) {
                    return c;
                }
            }
            if (!run.process().isAlive()) {
                return null;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(run.args() + " neither held nor ended in 5 minutes:\n" + run.stderrSoFar());
    }

    private static String[] args(String phase) {
        return phase.equals("startup") ? new String[] {"startup"} : new String[] {phase, FROM, TO};
    }

    private static ClusterFingerprint prepare(EmbeddedDogu dogu) throws Exception {
        return dogu.startWithSampleData(OLD_IMAGE, NEW_PASSWORD);
    }

    private static void assertUpgraded(EmbeddedDogu dogu, ClusterFingerprint before) throws Exception {
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).as("local_state").isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).as("migration_backup_path").isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).as("migration_old_pgdata").isEmpty();
        try (Stream<Path> top = Files.list(dogu.volume())) {
            assertThat(top.map(p -> p.getFileName().toString())).as("old cluster removed only after success")
                    .containsOnly("backup", "17");
        }
        try (Stream<Path> backups = Files.list(dogu.backupDirectory())) {
            assertThat(backups.map(p -> p.getFileName().toString())).as("installation copy and work files removed")
                    .isEmpty();
        }
        try (PostgresServer upgraded = dogu.start(PostgresServer.builder(NEW_IMAGE).superuserPassword(NEW_PASSWORD),
                NEW_IMAGE.version())) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("data after the kills").isEmpty();
        }
        dogu.stopServer();
    }

    @AfterAll
    static void writeTable() throws Exception {
        StringBuilder md = new StringBuilder("| layout | phase | step boundary (SIGKILL) | recovery / outcome |\n"
                + "| --- | --- | --- | --- |\n");
        RESULTS.values().forEach(line -> md.append(line).append('\n'));
        md.append("\nGenerated by PgUpgradeFaultIT on ").append(LocalDate.now()).append(": --upgrade-method pg-upgrade"
                + " (auto: copy), Debian PostgreSQL ").append(FROM).append(" -> ").append(TO)
                .append("; one upgrade per layout killed at each boundary in turn.\n");
        GeneratedDocs.publish("pg-upgrade-faults", md.toString());
    }
}
