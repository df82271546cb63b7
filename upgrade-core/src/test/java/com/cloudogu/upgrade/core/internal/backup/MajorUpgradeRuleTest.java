package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.DoguVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Only a change of the PostgreSQL major upwards needs a dump and restore. */
class MajorUpgradeRuleTest {

    private final MajorUpgradeRule rule = new MajorUpgradeRule();

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "14.19-1, 17.6-0, PostgreSQL 14 -> 17",
            "12.22-1, 13.1-0, PostgreSQL 12 -> 13",
            "9.6.13-1, 10.1-0, PostgreSQL 9.6 -> 10",
            "9.5.10-1, 9.6.13-1, PostgreSQL 9.5 -> 9.6"})
    void aNewerMajorNeedsABackupAndNamesBothMajors(String from, String to, String reason) {
        assertThat(rule.reason(DoguVersion.parse(from), DoguVersion.parse(to))).contains(reason);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"14.17-1, 14.21-0", "17.6-0, 17.6-0", "17.6-0, 17.6-1", "17.6-0, 14.19-1"})
    void theSameOrAnOlderMajorNeedsNone(String from, String to) {
        assertThat(rule.reason(DoguVersion.parse(from), DoguVersion.parse(to))).isEmpty();
    }
}
