package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real major upgrades through the real CLI jar: pre-upgrade in the "old container" (old server
 * running), post-upgrade and startup in the "new container" (new server binaries on PATH).
 */
class MajorUpgradeIT {

    private static final String NEW_PASSWORD = "n3w 'super' \"secret\"";

    @ParameterizedTest(name = "PostgreSQL {0} -> {2}, {4} layout")
    @CsvSource({
            "12.22.0, 12.22-1, 15.14.0, 15.14-1, PER_MAJOR",
            "14.19.0, 14.19-1, 17.6.0, 17.6-0, PER_MAJOR",
            "14.19.0, 14.19-1, 17.6.0, 17.6-0, LEGACY",
            "14.19.0, 14.19-1, 17.6.0, 17.6-0, FIXED",
            "15.14.0, 15.14-1, 18.0.0, 18.0-0, LEGACY"})
    void majorUpgradeKeepsEveryRowRoleSequenceAndExtension(String oldServer, String from, String newServer, String to,
                                                             EmbeddedDogu.Layout layout, @TempDir Path root)
            throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            // sample data and the superuser password 'the-old-password', copied from a prepared cluster
            ClusterFingerprint before = dogu.startWithSampleData(oldServer, NEW_PASSWORD);
            PostgresServer old = dogu.server();
            Path oldPgdata = dogu.pgdata(oldServer);
            Path newPgdata = dogu.pgdata(newServer);

            CliProcess.Result pre = dogu.cli(oldServer).run("pre-upgrade", from, to).ok();
            assertThat(pre.stderr()).contains("full backup required: major-upgrade");
            String backup = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow();
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
            assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).contains(oldPgdata.toString());
            assertThat(Files.getPosixFilePermissions(Path.of(backup))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            dogu.stopServer();
            if (layout != EmbeddedDogu.Layout.FIXED) {
                assertThat(newPgdata).as("the new image's PGDATA does not exist on the volume yet").doesNotExist();
            }
            dogu.cli(newServer).run("post-upgrade", from, to).ok();
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(Files.getPosixFilePermissions(newPgdata)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getOwner(newPgdata).getName()).isEqualTo("postgres");
            if (layout != EmbeddedDogu.Layout.FIXED) {
                assertThat(Files.readString(oldPgdata.resolve("PG_VERSION")).strip()).as("old cluster untouched")
                        .isEqualTo(Integer.toString(old.majorVersion()));
            }
            CliProcess.Result startup = dogu.cli(newServer).run("startup").ok();
            assertThat(startup.stderr()).contains("migration 01-restore finished");

            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_OLD_PGDATA)).isEmpty();
            assertThat(Path.of(backup)).doesNotExist();
            assertThat(Files.readString(newPgdata.resolve("PG_VERSION")).strip()).isEqualTo(newServer.substring(0, 2));
            assertThat(pre.stderr() + startup.stderr()).doesNotContain(NEW_PASSWORD).doesNotContain("the-old-password");
            assertThat(topLevel(dogu.volume())).as("the volume after the upgrade: the old cluster is gone")
                    .containsOnly("backup", layout == EmbeddedDogu.Layout.FIXED ? "data" : newServer.substring(0, 2));

            try (PostgresServer upgraded = dogu.startServer(newServer, NEW_PASSWORD)) {
                ClusterFingerprint after = ClusterFingerprint.of(upgraded);
                assertThat(before.diff(after)).as("differences after the upgrade").isEmpty();
                assertThatThrownBy(() -> connect(upgraded, "the-old-password"))
                        .as("the dump's password for the bootstrap superuser must not replace the new one")
                        .isInstanceOf(SQLException.class);
                try (Connection c = connect(upgraded, NEW_PASSWORD)) {
                    assertThat(c.isValid(2)).isTrue();
                }
                Properties owner = new Properties();
                owner.setProperty("user", SampleData.APP_OWNER);
                owner.setProperty("password", SampleData.APP_OWNER_PASSWORD);
                try (Connection c = DriverManager.getConnection(upgraded.jdbcUrl(SampleData.SHOP_DATABASE), owner)) {
                    assertThat(c.isValid(2)).as("a restored role logs in with its old password").isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} layout, --keep-old-cluster")
    @EnumSource(value = EmbeddedDogu.Layout.class, names = {"PER_MAJOR", "LEGACY"})
    void keepOldClusterKeepsItUnderItsDocumentedName(EmbeddedDogu.Layout layout, @TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            ClusterFingerprint before = dogu.startWithSampleData("14.19.0", NEW_PASSWORD);
            dogu.cli("14.19.0").run("pre-upgrade", "14.19-1", "17.6-0").ok();
            dogu.stopServer();
            dogu.cli("17.6.0").run("post-upgrade", "14.19-1", "17.6-0").ok();
            dogu.cli("17.6.0").run("startup", "--keep-old-cluster").ok();
            Path kept = layout == EmbeddedDogu.Layout.LEGACY ? dogu.volume().resolve("previous-14")
                    : dogu.volume().resolve("14/docker.previous-14");
            assertThat(kept.resolve("PG_VERSION")).as("kept old cluster").exists();
            assertThat(dogu.volume().resolve(layout == EmbeddedDogu.Layout.LEGACY ? "PG_VERSION" : "14/docker"))
                    .as("no image finds the kept cluster where it looks for PGDATA").doesNotExist();
            try (PostgresServer oldAgain = PostgresServer.builder("14.19.0").dataDirectory(kept).start()) {
                assertThat(before.diff(ClusterFingerprint.of(oldAgain))).as("the kept cluster still starts").isEmpty();
            }
            try (PostgresServer upgraded = dogu.startServer("17.6.0", NEW_PASSWORD)) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).isEmpty();
            }
        }
    }

    private static List<String> topLevel(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theNewClusterGetsTheOldClustersEncodingLocaleAndDataChecksums(@TempDir Path root) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.start(PostgresServer.builder("14.19.0").encoding("LATIN1").locale("C")
                    .dataChecksums(true), "14.19.0");
            old.execute("postgres", "CREATE TABLE t (v text); INSERT INTO t VALUES ('caf\u00e9')");
            old.close();
            dogu.startServer("14.19.0");
            dogu.setPassword(NEW_PASSWORD);
            dogu.cli("14.19.0").run("pre-upgrade", "14.19-1", "17.6-0").ok();
            dogu.stopServer();
            dogu.cli("17.6.0").run("post-upgrade", "14.19-1", "17.6-0").ok();
            dogu.cli("17.6.0").run("startup").ok();
            try (PostgresServer upgraded = dogu.startServer("17.6.0", NEW_PASSWORD);
                 Connection c = upgraded.connect("postgres"); Statement s = c.createStatement()) {
                assertThat(upgraded.queryValue("postgres", "SELECT current_setting('data_checksums')")).isEqualTo("on");
                assertThat(upgraded.queryValue("postgres", "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate"
                        + " FROM pg_database WHERE datname = 'template1'")).isEqualTo("LATIN1 C");
                assertThat(upgraded.queryValue("postgres", "SELECT v FROM t")).isEqualTo("caf\u00e9");
            }
        }
    }

    private static Connection connect(PostgresServer server, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        return DriverManager.getConnection(server.jdbcUrl("postgres"), p);
    }
}
