package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The matchers of the expected-difference classes are narrow: only the documented change passes. */
class ExpectedDifferencesTest {

    private static final Set<String> SCHEMAS = Set.of("fx_core", "s", "public");

    @Test
    void deletedTableQualifiersAreTheOnlyViewChangeTheDeparseClassAccepts() {
        String before = " SELECT l.account,\n    sum(l.amount) AS balance,\n    ( SELECT max(l2.booked_on) AS max\n"
                + "           FROM fx_core.ledger l2\n          WHERE (l2.account = l.account)) AS last\n"
                + "   FROM fx_core.ledger l\n  GROUP BY l.account;";
        String after = " SELECT account,\n    sum(amount) AS balance,\n    ( SELECT max(l2.booked_on) AS max\n"
                + "           FROM fx_core.ledger l2\n          WHERE (l2.account = l.account)) AS last\n"
                + "   FROM fx_core.ledger l\n  GROUP BY account;";

        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, after, SCHEMAS)).isTrue();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT \"T x\".id FROM s.\"T x\"",
                "SELECT id FROM s.\"T x\"", SCHEMAS)).isTrue();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, before, SCHEMAS)).as("no change").isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, after.replace("sum(amount)", "max(amount)"), SCHEMAS))
                .isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT t.a FROM fx_core.t",
                "SELECT a FROM t", SCHEMAS)).as("a schema dropped from the FROM clause").isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT EXTRACT(doy FROM days.d) FROM days",
                "SELECT EXTRACT(doy FROM d) FROM days", SCHEMAS)).as("a column after FROM inside EXTRACT").isTrue();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT t.a, x.f(t.b) FROM s.t",
                "SELECT a, f(b) FROM s.t", Set.of("s"))).as("a function's schema").isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT t.a::fx_core.mood FROM s.t",
                "SELECT a::mood FROM s.t", SCHEMAS)).as("a type's schema").isFalse();
    }

    @Test
    void everyClassIsDocumentedWithItsId() throws Exception {
        // Surefire runs in the module's directory; the page is at the top of the project.
        String page = Files.readString(Path.of("..", "docs", "EXPECTED-DIFFERENCES.md"));

        assertThat(ExpectedDifferences.ALL).allSatisfy(c -> assertThat(page).contains("| `" + c.id() + "` |"));
    }
}
