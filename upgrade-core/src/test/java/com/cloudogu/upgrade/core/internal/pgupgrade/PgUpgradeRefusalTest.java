package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgUpgradeRefusalTest {

    /** What pg_upgrade 17.12 printed for a cluster with regprocedure and regproc columns (--check --copy). */
    private static String seventeen(Path report) {
        return """
                Performing Consistency Checks
                -----------------------------
                Checking cluster versions                                     ok
                Checking database user is the install user                    ok
                Checking database connection settings                         ok
                Checking for prepared transactions                            ok
                Checking for contrib/isn with bigint-passing mismatch         ok
                Checking data type usage                                      failed check: Checking for reg* data types in user tables

                Data type checks failed:\s
                Your installation contains one of the reg* data types in user tables.
                These data types reference system OIDs that are not preserved by
                pg_upgrade, so this cluster cannot currently be upgraded.  You can
                drop the problem columns and restart the upgrade.

                A list of the problem columns is in the file:
                    %s

                Failure, exiting
                """.formatted(report);
    }

    @Test
    void seventeenNamesTheFailedCheckItsFirstSentenceAndTheListedColumns(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("tables_using_reg.txt");
        Files.writeString(report, "In database: postgres\n  public.t.p\n  public.t.r\n");
        assertThat(PgUpgradeRefusal.of(seventeen(report)).reason()).isEqualTo("Checking for reg* data types in user"
                + " tables: Your installation contains one of the reg* data types in user tables. (listed: In database:"
                + " postgres public.t.p public.t.r)");
    }

    @Test
    void aReportThatIsGoneLeavesTheCheckAndItsSentence(@TempDir Path dir) {
        assertThat(PgUpgradeRefusal.of(seventeen(dir.resolve("gone.txt"))).reason()).isEqualTo("Checking for reg* data"
                + " types in user tables: Your installation contains one of the reg* data types in user tables.");
    }

    @Test
    void aLongReportIsCut(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("loadable_libraries.txt");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            lines.append("could not load library \"$libdir/ext").append(i).append("\"\n");
        }
        Files.writeString(report, lines);
        assertThat(PgUpgradeRefusal.of(seventeen(report)).reason()).contains("ext9\"", "... (25 lines in"
                + " loadable_libraries.txt)").doesNotContain("ext10\"");
    }

    @Test
    void olderPgUpgradeMarksTheCheckFatal() {
        String sixteen = """
                Checking for presence of required libraries                 fatal

                Your installation references loadable libraries that are missing from the
                new installation.  You can add these libraries to the new installation,
                or remove the functions using them from the old installation.

                Failure, exiting
                """;
        assertThat(PgUpgradeRefusal.of(sixteen).reason()).isEqualTo("Checking for presence of required libraries: Your"
                + " installation references loadable libraries that are missing from the new installation.");
    }

    @Test
    void anUnknownFormatGivesItsLastMeaningfulLine() {
        assertThat(PgUpgradeRefusal.of("Checking cluster versions   ok\nold cluster uses data checksums but the new one"
                + " does not\nFailure, exiting\n").reason())
                .isEqualTo("old cluster uses data checksums but the new one does not");
        assertThat(PgUpgradeRefusal.of("").reason()).isEqualTo("pg_upgrade failed without a reason");
    }

    /** What pg_upgrade 17.12 printed (--copy --jobs 2) when a 15 function's SET named force_parallel_mode. */
    private static String failedRestore(Path log) {
        return """
                Restoring global objects in the new cluster                   ok
                Restoring database schemas in the new cluster                 \s
                *failure*

                Consult the last few lines of "%s" for
                the probable cause of the failure.
                Failure, exiting

                child process exited abnormally: status 256
                Failure, exiting
                """.formatted(log);
    }

    @Test
    void aFailureAfterTheChecksNamesTheStepTheErrorAndTheObjectFromTheLogItPointsAt(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("pg_upgrade_dump_5.log");
        Files.writeString(log, """
                pg_restore: creating FUNCTION "public.f()"
                pg_restore: while PROCESSING TOC:
                pg_restore: from TOC entry 214; 1255 16384 FUNCTION f() postgres
                pg_restore: error: could not execute query: ERROR:  unrecognized configuration parameter "force_parallel_mode"
                Command was: CREATE FUNCTION "public"."f"() RETURNS integer
                    SET "force_parallel_mode" TO 'off'
                """);
        PgUpgradeRefusal r = PgUpgradeRefusal.of(failedRestore(log));
        assertThat(r.reason()).isEqualTo("Restoring database schemas in the new cluster failed: ERROR: unrecognized"
                + " configuration parameter \"force_parallel_mode\" (FUNCTION f() postgres, pg_upgrade_dump_5.log)");
        assertThat(r.aboutCloning()).isFalse();
    }

    @Test
    void aFailureWhoseLogIsGoneStillNamesTheStepAndTheLog(@TempDir Path dir) {
        assertThat(PgUpgradeRefusal.of(failedRestore(dir.resolve("pg_upgrade_dump_5.log"))).reason())
                .isEqualTo("Restoring database schemas in the new cluster failed: see pg_upgrade_dump_5.log");
    }

    @Test
    void theCloneTestIsToldApartFromARefusalOfTheCluster(@TempDir Path dir) {
        assertThat(PgUpgradeRefusal.of("Checking for presence of required libraries                   ok\n\ncould not"
                + " clone file between old and new data directories: Operation not supported\nFailure, exiting\n")
                .aboutCloning()).isTrue();
        assertThat(PgUpgradeRefusal.of(seventeen(dir.resolve("gone.txt"))).aboutCloning()).isFalse();
    }
}
