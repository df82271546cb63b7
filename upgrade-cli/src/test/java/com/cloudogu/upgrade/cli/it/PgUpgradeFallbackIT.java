package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_upgrade method's fallback ladder through the real CLI jar (Debian 15 → 17, as
 * PgUpgradeMethodIT): the old cluster holds {@code regprocedure} and {@code regproc} columns, which
 * {@code pg_upgrade --check} of 17 really rejects (OIDs of functions are not kept; {@code regclass},
 * {@code regrole} and {@code regtype} it accepts). pre-upgrade carries the installation over as usual;
 * startup finds pg_upgrade refusing and takes rung 2 by itself: the carried-over old server started in
 * the new container, dumped with the new image's {@code pg_dumpall}, restored into the fresh cluster.
 * The values of the {@code reg*} columns survive as names. {@code plan} in the old container and
 * {@code status} (text and JSON) afterwards name the method, the mode and the rung.
 */
class PgUpgradeFallbackIT {

    private static final String NEW_PASSWORD = "n3w-fallback-secret";
    private static final Map<String, String> PG_UPGRADE = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade");
    private static final String FALLBACK_LINE = "pg-upgrade fallback: rung 2 \\(dump and restore from the old server"
            + " started in this container\\) runs next, because pg_upgrade \\(copy\\) refused: Checking for"
            + " reg\\* data types in user tables: .*public\\.jobs\\.handler public\\.jobs\\.checker";
    private static PostgresBinaries oldImage;
    private static PostgresBinaries newImage;

    @BeforeAll
    static void images() {
        oldImage = PostgresBinaries.of(DebianInstallations.get(15));
        newImage = PostgresBinaries.of(DebianInstallations.get(17));
    }

    /**
     * One upgrade, killed once: the first startup steps down to rung 2 by itself and is killed while
     * the old server runs (the hardest moment: a server the killed process started lives on, the
     * target is half made); the second startup, an ordinary run, stops that server, starts from a
     * fresh target, meets pg_upgrade's refusal again and finishes rung 2 from the start, dump included.
     * (One case, not two: the class must stay under 90 s, and the rerun is a complete rung 2 run.)
     */
    @Test
    void pgUpgradeRefusingRegColumnsFallsToRungTwoAndAKillThereIsRecoveredByRunningStartupAgain(@TempDir Path root)
            throws Exception {
        String boundary = Checkpoint.PG_UPGRADE_FALLBACK_OLD_SERVER_STARTED.id();
        assertThat(Checkpoint.of(Checkpoint.Flow.PG_UPGRADE_FALLBACK)).contains(Checkpoint.PG_UPGRADE_FALLBACK_OLD_SERVER_STARTED);
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            Upgrade u = prepare(dogu);
            CliProcess.Started first = dogu.cli(newImage).start(Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade",
                    "DOGU_UPGRADE_HOLD_AT", boundary), "startup");
            first.awaitLog("holding at " + boundary, 300);
            assertThat(first.stderrSoFar()).as("one line names the next rung and pg_upgrade's own reason")
                    .containsPattern(FALLBACK_LINE).contains("old PostgreSQL 15 server started");
            first.kill();
            assertThat(oldServerPid(u.oldData)).as("the killed startup's old server lives on").isNotNull();

            CliProcess.Result rerun = dogu.cli(newImage).start(PG_UPGRADE, "startup").await(600).ok();
            assertThat(rerun.stderr()).containsPattern(FALLBACK_LINE)
                    .contains("stopping the old server", "left running on " + u.oldData, "old cluster " + u.oldData
                            + " dumped with pg_dumpall 17", "migration 01-restore finished")
                    .doesNotContain(NEW_PASSWORD);
            assertUpgraded(dogu, u);
        }
    }

    /**
     * pg_upgrade's checks pass, and it fails later, restoring the schema: a function whose {@code SET}
     * names {@code force_parallel_mode}, which 16 removed, created after pre-upgrade (whose own check
     * would have named it). In link mode, with the operator's snapshot as rollback: the run's failure
     * leaves the old cluster as it was (pg_control in place, the journal cleared), the half-filled target
     * is replaced by a fresh one, and rung 2 runs from the old server, meets the same function and ends
     * the attempt with both reasons; the old cluster stays for {@code abort}.
     */
    @Test
    void pgUpgradeFailingAfterItsChecksLeavesTheOldClusterAsItWasAndTakesRungTwoOnAFreshTarget(@TempDir Path root)
            throws Exception {
        Map<String, String> link = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade", "DOGU_UPGRADE_PG_UPGRADE_MODE", "link",
                "DOGU_UPGRADE_PG_UPGRADE_ROLLBACK", "none");
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            PostgresServer old = dogu.startServer(oldImage);
            SampleData.load(old);
            Path oldData = old.dataDirectory();
            dogu.setPassword(NEW_PASSWORD);
            dogu.cli(oldImage).start(link, "pre-upgrade", from(), to()).await(600).ok();
            // written after pre-upgrade's checks ran: the old image keeps serving until it is stopped
            old.execute("postgres", "CREATE FUNCTION public.legacy() RETURNS int LANGUAGE sql"
                    + " SET force_parallel_mode = off AS 'SELECT 1'");
            dogu.stopServer();
            dogu.cli(newImage).start(link, "post-upgrade", from(), to()).await(600).ok();

            CliProcess.Result startup = dogu.cli(newImage).start(link, "startup").await(600);
            assertThat(startup.exitCode()).as(startup.stderr()).isEqualTo(3);
            assertThat(startup.stderr()).contains("[DU-RESTORE]")
                    .containsPattern("pg-upgrade fallback: rung 2 \\(dump and restore from the old server started in"
                            + " this container\\) runs next, because pg_upgrade \\(link\\) failed after its checks:"
                            + " Restoring database schemas in the new cluster failed: ERROR: unrecognized configuration"
                            + " parameter \"force_parallel_mode\" \\(FUNCTION legacy\\(\\) postgres, pg_upgrade_dump_\\d+\\.log\\)")
                    .contains("discarding the partial restore target", "old cluster " + oldData
                            + " dumped with pg_dumpall 17", "force_parallel_mode")
                    .doesNotContain("Exception", NEW_PASSWORD);
            assertThat(oldData.resolve("global/pg_control")).as("the old cluster's control file in place").exists();
            assertThat(oldData.resolve("global/pg_control.old")).doesNotExist();
            assertThat(oldServerPid(oldData)).as("no old server left running").isNull();
            assertThat(dogu.backupDirectory().resolve("pg-upgrade.journal")).as("journal cleared").doesNotExist();
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).as("the upgrade stays pending").isPresent();
            try (PostgresServer back = dogu.startServer(oldImage)) {
                assertThat(back.queryValue("postgres", "SELECT count(*) FROM pg_proc WHERE proname = 'legacy'"))
                        .as("the old cluster starts as it was, with the old image").isEqualTo("1");
            }
        }
    }

    /** What an upgrade started with: the old cluster's path and fingerprint. */
    private record Upgrade(Path oldData, ClusterFingerprint before) {
    }

    /** The old cluster with sample data and reg* columns; pre-upgrade and post-upgrade of the pg-upgrade method. */
    private static Upgrade prepare(EmbeddedDogu dogu) throws Exception {
        String from = from();
        String to = to();
        PostgresServer old = dogu.startServer(oldImage);
        SampleData.load(old);
        old.execute("postgres", "CREATE TABLE public.jobs (id int PRIMARY KEY, handler regprocedure, checker regproc,"
                + " target regclass, kind regtype)");
        old.execute("postgres", "INSERT INTO public.jobs VALUES (1, 'now()', 'int4in', 'pg_class', 'integer'),"
                + " (2, 'lower(text)', 'textin', 'public.jobs', 'text'), (3, NULL, NULL, NULL, NULL)");
        old.execute("postgres", "ALTER ROLE postgres PASSWORD 'the-old-password'");
        ClusterFingerprint before = ClusterFingerprint.of(old);
        assertThat(before.items().keySet()).as("the fingerprint covers the reg* table's rows")
                .anyMatch(k -> k.contains("jobs"));
        Path oldData = old.dataDirectory();
        dogu.setPassword(NEW_PASSWORD);
        String plan = dogu.cli(oldImage).start(PG_UPGRADE, "plan", from, to).await(120).ok().stdout();
        assertThat(plan).as("plan, in the old container").contains("method: pg-upgrade (",
                "pg_upgrade mode: auto (decided in the new container: clone if the volume's file system clones files"
                        + " (unknown until then", "the volume has room for it now",
                "space needed:", "carried-over old installation: about ", "if copy mode runs: about ",
                "fallback, if pg_upgrade refuses (rung 2): about ", "free now on the volume of PGDATA: ",
                "rollback: with clone or copy the old cluster stays unchanged");
        dogu.cli(oldImage).start(PG_UPGRADE, "pre-upgrade", from, to).await(600).ok();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow()).endsWith("pg-upgrade-" + from + ".d");
        dogu.stopServer();
        dogu.cli(newImage).start(PG_UPGRADE, "post-upgrade", from, to).await(600).ok();
        return new Upgrade(oldData, before);
    }

    private static void assertUpgraded(EmbeddedDogu dogu, Upgrade u) throws Exception {
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        assertThat(oldServerPid(u.oldData)).as("no old server left running").isNull();
        try (Stream<Path> top = Files.list(dogu.volume())) {
            assertThat(top.map(p -> p.getFileName().toString())).containsOnly("backup", "17");
        }
        try (Stream<Path> backups = Files.walk(dogu.backupDirectory())) {
            // pg_upgrade's work directory itself may stay (empty), as after rung 1
            assertThat(backups.filter(p -> !Files.isDirectory(p))).as("no dump, no work files left").isEmpty();
        }

        String status = dogu.cli(newImage).start("status").await(60).ok().stdout();
        assertThat(status).contains("upgrade method:        " + from() + " -> " + to() + ": pg-upgrade, rung 2 (dump and"
                + " restore from the old server started in this container, pg_upgrade checked in mode copy):"
                + " pg_upgrade (copy) refused: Checking for reg* data types in user tables");
        JsonNode method = new ObjectMapper().readTree(dogu.cli(newImage).start("status", "--json").await(60).ok()
                .stdout()).get("method");
        assertThat(method.get("method").textValue()).isEqualTo("pg-upgrade");
        assertThat(method.get("rung").intValue()).isEqualTo(2);
        assertThat(method.get("mode").textValue()).isEqualTo("copy");
        assertThat(method.get("reason").textValue()).contains("reg* data types", "public.jobs.handler");

        try (PostgresServer upgraded = dogu.start(PostgresServer.builder(newImage).superuserPassword(NEW_PASSWORD),
                newImage.version())) {
            assertThat(u.before.diff(ClusterFingerprint.of(upgraded))).as("differences after the fallback").isEmpty();
            assertThat(upgraded.queryValue("postgres", "SELECT handler::text || ' ' || checker::text || ' '"
                    + " || target::text FROM public.jobs WHERE id = 2")).isEqualTo("lower(text) textin jobs");
        }
    }

    /** @return the pid of a live server on the old cluster, or null */
    private static Long oldServerPid(Path oldData) throws IOException {
        Path pid = oldData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pid)) {
            return null;
        }
        long p = Long.parseLong(Files.readAllLines(pid).get(0).strip());
        return ProcessHandle.of(p).filter(ProcessHandle::isAlive).map(h -> p).orElse(null);
    }

    private static String from() {
        return "15." + oldImage.minor() + "-1";
    }

    private static String to() {
        return "17." + newImage.minor() + "-1";
    }
}
