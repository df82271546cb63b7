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
        assertThat(PgUpgradeRefusal.of("").reason()).isEqualTo("pg_upgrade --check failed without a reason");
    }
}
