package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.DoguVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A layout change is named as a reason only when it is crossed together with a major change: within a
 * major, post-upgrade moves the files instead. The versions come from {@code layout-changes.properties}.
 */
class LayoutChangeRuleTest {

    private final LayoutChangeRule shipped = new LayoutChangeRule();

    @Test
    void theShippedDataNamesTheMoveOfPgdataIn14_21() {
        assertThat(shipped.reason(v("14.19-1"), v("17.6-0")))
                .contains("layout changed in 14.21-0 (PGDATA moved from /var/lib/postgresql to"
                        + " /var/lib/postgresql/<major>/docker)");
    }

    @ParameterizedTest(name = "{0} -> {1} crosses 14.21-0 with a major change")
    @CsvSource({"14.20-3, 15.1-0", "12.22-1, 14.21-0", "9.6.13-1, 17.6-0"})
    void crossingTheChangeWithAMajorChangeIsAReason(String from, String to) {
        assertThat(shipped.reason(v(from), v(to))).hasValueSatisfying(r -> assertThat(r).startsWith(
                "layout changed in 14.21-0"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "14.19-1, 14.21-0", // crossed within the major: the files are moved, no backup
            "14.21-0, 17.6-0", // already in the new layout
            "15.1-0, 17.6-0",
            "12.1-0, 14.20-9"}) // a major change that stops short of the layout change
    void notCrossingItOrCrossingItWithinAMajorIsNoReason(String from, String to) {
        assertThat(shipped.reason(v(from), v(to))).isEmpty();
    }

    @Test
    void theFirstChangeCrossedIsNamedWhenSeveralAre() {
        LayoutChangeRule rule = new LayoutChangeRule(Map.of(v("16.1-0"), "later", v("13.2-0"), "earlier"));

        assertThat(rule.reason(v("12.1-0"), v("17.6-0"))).contains("layout changed in 13.2-0 (earlier)");
        assertThat(rule.reason(v("14.1-0"), v("17.6-0"))).contains("layout changed in 16.1-0 (later)");
    }

    @Test
    void itIsCalledLayoutMigrationInPlanAndTheLog() {
        assertThat(shipped.name()).isEqualTo("layout-migration");
    }

    private static DoguVersion v(String s) {
        return DoguVersion.parse(s);
    }
}
