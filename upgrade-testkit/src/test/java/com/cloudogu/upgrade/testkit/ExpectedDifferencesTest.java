package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The matchers of the expected-difference classes are narrow: only the documented change passes. */
class ExpectedDifferencesTest {

    @Test
    void deletedTableQualifiersAreTheOnlyViewChangeTheDeparseClassAccepts() {
        String before = " SELECT l.account,\n    sum(l.amount) AS balance,\n    ( SELECT max(l2.booked_on) AS max\n"
                + "           FROM fx_core.ledger l2\n          WHERE (l2.account = l.account)) AS last\n"
                + "   FROM fx_core.ledger l\n  GROUP BY l.account;";
        String after = " SELECT account,\n    sum(amount) AS balance,\n    ( SELECT max(l2.booked_on) AS max\n"
                + "           FROM fx_core.ledger l2\n          WHERE (l2.account = l.account)) AS last\n"
                + "   FROM fx_core.ledger l\n  GROUP BY account;";

        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, after)).isTrue();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT \"T x\".id FROM s.\"T x\"",
                "SELECT id FROM s.\"T x\"")).isTrue();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, before)).as("no change").isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers(before, after.replace("sum(amount)", "max(amount)")))
                .isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT t.a FROM fx_core.t",
                "SELECT a FROM t")).as("a schema dropped from the FROM clause").isFalse();
        assertThat(ExpectedDifferences.differsOnlyByQualifiers("SELECT t.a::fx_core.mood FROM s.t",
                "SELECT a::mood FROM s.t")).as("a type's schema").isFalse();
    }
}
