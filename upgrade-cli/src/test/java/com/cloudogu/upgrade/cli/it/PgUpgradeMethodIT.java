package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_upgrade method through the real CLI jar: complete Debian installations as the old and the new
 * "image" (pg_upgrade needs every program of one build on the new side), the old cluster with the
 * sample data, pre-upgrade carrying the old installation over the volume instead of dumping, and the
 * new image's startup running pg_upgrade with it.
 */
class PgUpgradeMethodIT {

    private static final String NEW_PASSWORD = "n3w-pg-upgrade-secret";
    private static final Map<String, String> PG_UPGRADE = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade");

    @Test
    void fifteenToSeventeenInCopyModeKeepsEverythingAndCarriesNoDump(@TempDir Path root) throws Exception {
        PostgresBinaries oldImage = PostgresBinaries.of(DebianInstallations.get(15));
        PostgresBinaries newImage = PostgresBinaries.of(DebianInstallations.get(17));
        String from = "15." + oldImage.minor() + "-1";
        String to = "17." + newImage.minor() + "-1";
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.PER_MAJOR)) {
            ClusterFingerprint before = dogu.startWithSampleData(oldImage, NEW_PASSWORD);

            CliProcess.Result pre = dogu.cli(oldImage).start(PG_UPGRADE, "pre-upgrade", from, to).await(600).ok();
            String carried = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow();
            assertThat(Path.of(carried).getFileName().toString()).isEqualTo("pg-upgrade-" + from + ".d");
            assertThat(pre.stderr()).contains("old installation").doesNotContain("pg_dumpall");
            try (Stream<Path> backups = Files.list(dogu.backupDirectory())) {
                assertThat(backups.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("cluster-"));
            }
            dogu.stopServer();

            dogu.cli(newImage).start(PG_UPGRADE, "post-upgrade", from, to).await(600).ok();
            CliProcess.Result startup = dogu.cli(newImage).start(PG_UPGRADE, "startup").await(900).ok();
            assertThat(startup.stderr()).contains("pg_upgrade mode copy", "migration 01-restore finished")
                    .doesNotContain(NEW_PASSWORD);

            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            assertThat(Path.of(carried)).doesNotExist();
            try (Stream<Path> top = Files.list(dogu.volume())) {
                assertThat(top.map(p -> p.getFileName().toString())).containsOnly("backup", "17");
            }
            try (PostgresServer upgraded = dogu.start(PostgresServer.builder(newImage).superuserPassword(NEW_PASSWORD),
                    newImage.version())) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after pg_upgrade").isEmpty();
                Properties superuser = new Properties();
                superuser.setProperty("user", "postgres");
                superuser.setProperty("password", NEW_PASSWORD);
                try (Connection c = DriverManager.getConnection(upgraded.jdbcUrl("postgres"), superuser)) {
                    assertThat(c.isValid(2)).as("the superuser logs in with the state's password").isTrue();
                }
                superuser.setProperty("password", "the-old-password");
                assertThatThrownBy(() -> DriverManager.getConnection(upgraded.jdbcUrl("postgres"), superuser))
                        .as("the old cluster's password for the superuser must not survive pg_upgrade")
                        .isInstanceOf(java.sql.SQLException.class);
            }
        }
    }
}
