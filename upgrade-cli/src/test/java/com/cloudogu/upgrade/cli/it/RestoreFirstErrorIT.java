package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that fails reports its first error, not the last line of that error's context. The
 * cluster holds a materialized view over a SQL function that reads a table without a schema: the
 * dump restores it with an empty search_path, so the refresh fails in every major (no check can
 * refuse it; pg_dump's known limitation).
 */
class RestoreFirstErrorIT {

    private static final String OLD = "14.19.0";
    private static final String NEW = "17.6.0";
    private static final String FROM = "14.19-1";
    private static final String TO = "17.6-0";
    private static final String FIRST_ERROR = "ERROR: relation \"lookup\" does not exist;"
            + " CONTEXT: SQL function \"lk\" during inlining";

    @TempDir
    Path root;

    @Test
    void thePlainRestoreNamesTheMissingRelationAndTheFunction() throws Exception {
        String error = failedStartup(Map.of());
        assertThat(error).contains("[DU-RESTORE]", "stopped at the first error (psql exit 3): psql:<stdin>:",
                FIRST_ERROR);
    }

    @Test
    void theParallelRestoreNamesTheMissingRelationFunctionAndStatement() throws Exception {
        String error = failedStartup(Map.of("DOGU_UPGRADE_BACKUP_STRATEGY", "parallel"));
        assertThat(error).contains("[DU-RESTORE]", "(pg_restore exit 1): pg_restore: error: could not execute query: "
                + FIRST_ERROR + "; statement: REFRESH MATERIALIZED VIEW public.mv");
    }

    private String failedStartup(Map<String, String> environment) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            old.execute("postgres", "CREATE TABLE lookup (id int PRIMARY KEY, name text);"
                    + " INSERT INTO lookup VALUES (1, 'one');"
                    + " CREATE FUNCTION lk(int) RETURNS text LANGUAGE sql STABLE AS 'SELECT name FROM lookup WHERE id = $1';"
                    + " CREATE MATERIALIZED VIEW mv AS SELECT lk(1) AS n");
            dogu.setPassword("superuser-secret");
            dogu.cli(OLD).start(environment, "pre-upgrade", FROM, TO).await(300).ok();
            dogu.stopServer();
            dogu.cli(NEW).start(environment, "post-upgrade", FROM, TO).await(300).ok();
            CliProcess.Result startup = dogu.cli(NEW).start(environment, "startup").await(300);
            assertThat(startup.exitCode()).as(startup.stderr()).isEqualTo(3);
            String last = startup.stderr().strip().lines().reduce((a, b) -> b).orElse("");
            assertThat(last).startsWith("dogu-upgrade: error [DU-RESTORE]").doesNotContain("superuser-secret");
            return last;
        }
    }
}
