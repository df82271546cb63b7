package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} and {@code pre-upgrade} refuse, through the real CLI jar and before the image switch,
 * a PostgreSQL 14 cluster that a PostgreSQL 17 restore would reject: the message names every object
 * and what to do, no backup is written, {@code local_state} is never set and the old server keeps
 * serving.
 */
class CompatibilityCheckIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String TO = "17.6-0";

    @TempDir
    Path root;

    @Test
    void generatedChildColumnUnderAPlainParentIsRefusedByCheckPlanAndPreUpgradeUntilFixed() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            old.execute("postgres", "CREATE TABLE p (a int, b int);"
                    + " CREATE TABLE c (a int, b int GENERATED ALWAYS AS (a * 2) STORED) INHERITS (p);"
                    + " INSERT INTO c (a) VALUES (1), (2)");
            String finding = "database postgres: table public.c column b is generated, but in its parent public.p it is"
                    + " not generated";

            CliProcess.Result check = dogu.cli(OLD).run("check", FROM, TO);
            assertThat(check.exitCode()).as(check.stderr()).isEqualTo(3);
            assertThat(check.stdout()).contains("FAILED  inherited-generated-columns", finding, "what to do:",
                    "ok      non-ascii-names-in-mixed-encoding-cluster");
            assertThat(check.stderr()).contains("dogu-upgrade: error [DU-INCOMPATIBLE]: PostgreSQL 17 cannot restore",
                    finding, "DROP EXPRESSION").doesNotContain("\tat ");

            CliProcess.Result plan = dogu.cli(OLD).run("plan", FROM, TO).ok();
            assertThat(plan.stdout()).contains("compatibility checks on the running old server",
                    "FAILED  inherited-generated-columns", finding);

            CliProcess.Result pre = dogu.cli(OLD).run("pre-upgrade", FROM, TO);
            assertThat(pre.exitCode()).as(pre.stderr()).isEqualTo(3);
            assertThat(pre.stderr()).contains("[DU-INCOMPATIBLE]", finding, "nothing was written");
            assertNothingWrittenAndOldServerServes(dogu, old, "SELECT sum(b) FROM c", "6");

            old.execute("postgres", "BEGIN; ALTER TABLE c NO INHERIT p; ALTER TABLE c ALTER COLUMN b DROP EXPRESSION;"
                    + " ALTER TABLE c INHERIT p; COMMIT"); // the fix the message describes
            dogu.cli(OLD).run("check", FROM, TO).ok();
            dogu.cli(OLD).run("pre-upgrade", FROM, TO).ok();
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
        }
    }

    @Test
    void nonAsciiDatabaseNameNextToALatin1DatabaseIsRefusedByCheckAndPreUpgrade() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            old.execute("postgres", "CREATE DATABASE \"z\u00fcrich\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
                    + " TEMPLATE template0");
            String finding = "database \"z\u00fcrich\" (encoding LATIN1; the cluster has LATIN1, UTF8)";

            CliProcess.Result check = dogu.cli(OLD).run("check", FROM, TO);
            assertThat(check.exitCode()).as(check.stderr()).isEqualTo(3);
            assertThat(check.stdout()).contains("FAILED  non-ascii-names-in-mixed-encoding-cluster", finding);
            assertThat(check.stderr()).contains("[DU-INCOMPATIBLE]", finding, "ALTER DATABASE ... RENAME TO");

            CliProcess.Result pre = dogu.cli(OLD).run("pre-upgrade", FROM, TO);
            assertThat(pre.exitCode()).as(pre.stderr()).isEqualTo(3);
            assertThat(pre.stderr()).contains("[DU-INCOMPATIBLE]", finding);
            assertNothingWrittenAndOldServerServes(dogu, old,
                    "SELECT count(*) FROM pg_database WHERE datname = 'z\u00fcrich'", "1");
        }
    }

    @Test
    void aMinorUpgradeRunsNoChecks() throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            old.execute("postgres", "CREATE TABLE p (a int, b int);"
                    + " CREATE TABLE c (a int, b int GENERATED ALWAYS AS (a * 2) STORED) INHERITS (p)");
            CliProcess.Result check = dogu.cli(OLD).run("check", FROM, "14.20-1").ok();
            assertThat(check.stdout()).contains("the PostgreSQL major does not go up, nothing to check");
        }
    }

    private static void assertNothingWrittenAndOldServerServes(EmbeddedDogu dogu, PostgresServer old, String query,
                                                               String expected) throws Exception {
        assertThat(backupFiles(dogu.backupDirectory())).as("backup files").isZero();
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        assertThat(old.queryValue("postgres", query)).isEqualTo(expected);
        assertThat(old.queryValue("postgres", "SELECT current_setting('default_transaction_read_only')"))
                .as("the old cluster still accepts writes").isEqualTo("off");
    }

    private static long backupFiles(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
