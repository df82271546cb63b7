package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parallel backup strategy through the real CLI jar: globals plus one pg_dump directory per
 * database, restored with pg_restore --jobs on a temporary server with restore-time settings, then
 * flushed and restarted with normal settings. The restored cluster must equal the old one exactly.
 */
class ParallelUpgradeIT {

    private static final String OLD = "14.19.0";
    private static final String NEW = "17.6.0";
    private static final String FROM = "14.19-1";
    private static final String TO = "17.6-1";
    private static final String PASSWORD = "new-superuser-password";
    /** A database name that must never be read as a connection string, with quotes and a backslash. */
    private static final String ODD_DATABASE = "odd name=x 'q' \\ \"dq\"";

    @Test
    void aParallelUpgradeKeepsEveryRowRoleSequenceAndExtension(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            ClusterFingerprint before = loadOldCluster(dogu);

            CliProcess.Result pre = cli(dogu, OLD).run("pre-upgrade", FROM, TO).ok();
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            assertThat(backup).isDirectory().hasFileName("cluster-" + FROM + ".d");
            Properties manifest = new Properties();
            try (var r = Files.newBufferedReader(backup.resolveSibling(backup.getFileName() + ".manifest"))) {
                manifest.load(r);
            }
            assertThat(manifest.getProperty("format")).isEqualTo("parallel-1");
            assertThat(Integer.parseInt(manifest.getProperty("files"))).isGreaterThan(50);
            assertThat(pre.stderr()).contains("dumped database " + ODD_DATABASE);

            dogu.stopServer();
            cli(dogu, NEW).run("post-upgrade", FROM, TO).ok();
            CliProcess.Result startup = cli(dogu, NEW).run("startup").ok();
            assertThat(startup.stderr()).contains("fsync=off", "wal_level=minimal", "restored database " + ODD_DATABASE,
                    "migration 01-restore finished");
            assertThat(startup.stderr()).as("flushed, then restarted with the cluster's own settings")
                    .containsPattern("(?s)flushed " + Pattern.quote(dogu.pgdata(NEW).toString()) + " to disk in \\d+ ms.*?"
                            + "ready after \\d+ ms \\(socket [^,\\n]*, no TCP\\)\\R");

            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(backup).doesNotExist();
            try (Stream<Path> top = Files.list(dogu.volume())) {
                assertThat(top.map(p -> p.getFileName().toString())).as("legacy volume root after the upgrade")
                        .containsOnly("backup", "17");
            }
            try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after the upgrade").isEmpty();
            }
        }
    }

    @Test
    void aChangedFileOfAParallelBackupIsRefusedBeforeAnythingChanges(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            loadOldCluster(dogu);
            cli(dogu, OLD).run("pre-upgrade", FROM, TO).ok();
            dogu.stopServer();
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
            Path victim;
            try (Stream<Path> files = Files.walk(backup)) {
                victim = files.filter(p -> p.getFileName().toString().endsWith(".dat"))
                        .filter(p -> p.toFile().length() > 100).findFirst().orElseThrow();
            }
            try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
                f.seek(50);
                int b = f.read();
                f.seek(50);
                f.write(b ^ 0x20);
            }

            CliProcess.Result post = cli(dogu, NEW).run("post-upgrade", FROM, TO);

            assertThat(post.exitCode()).isEqualTo(3);
            assertThat(post.stderr()).contains("SHA-256", victim.getFileName().toString(), "corrupted or altered");
            assertThat(Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION")).strip()).as("old cluster in place")
                    .isEqualTo("14");
        }
    }

    @Test
    void aCrashDuringTheFastRestoreStartsOverFromAFreshCluster(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            ClusterFingerprint before = loadOldCluster(dogu);
            cli(dogu, OLD).run("pre-upgrade", FROM, TO).ok();
            dogu.stopServer();
            cli(dogu, NEW).run("post-upgrade", FROM, TO).ok();

            CliProcess.Started crashed = cli(dogu, NEW).start(
                    Map.of("DOGU_UPGRADE_HOLD_AT", "restore.parallel-databases-restored"), "startup");
            crashed.awaitLog("holding at restore.parallel-databases-restored", 300);
            crashed.kill();
            assertThat(dogu.pgdata(NEW).resolve("dogu-upgrade-restore-target")).as("still a restore target").exists();

            CliProcess.Result again = cli(dogu, NEW).run("startup").ok();
            assertThat(again.stderr()).contains("stopping temporary server", "discarding the partial restore target");
            try (PostgresServer upgraded = dogu.startServer(NEW, PASSWORD)) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after the retry").isEmpty();
            }
        }
    }

    private static ClusterFingerprint loadOldCluster(EmbeddedDogu dogu) throws Exception {
        // sample data and the superuser password 'the-old-password', copied from a prepared cluster
        dogu.startWithSampleData(OLD, PASSWORD);
        PostgresServer old = dogu.server();
        try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + ODD_DATABASE.replace("\"", "\"\"") + "\" OWNER " + SampleData.APP_OWNER);
        }
        try (Connection c = old.connect(ODD_DATABASE); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN FOR i IN 1..60 LOOP EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, v text)', i);"
                    + " EXECUTE format('INSERT INTO t_%s SELECT g, md5(g::text) FROM generate_series(1, 50) g', i);"
                    + " END LOOP; END $$");
            s.execute("CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 4) AS payload FROM generate_series(1, 50000) g");
            s.execute("ALTER TABLE big ADD PRIMARY KEY (id)");
        }
        return ClusterFingerprint.of(old);
    }

    private static CliProcess cli(EmbeddedDogu dogu, String version) {
        Map<String, String> env = new LinkedHashMap<>(dogu.environment(version));
        env.put("DOGU_UPGRADE_BACKUP_STRATEGY", "parallel");
        env.put("DOGU_UPGRADE_JOBS", "2");
        return new CliProcess(CliProcess.defaultJar(), env, dogu.root().resolve("logs"));
    }
}
