package com.cloudogu.upgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DoguVersionTest {

    @Test
    void legacyNinePointFiveToNinePointSixIsAMajorUpgrade() {
        assertThat(DoguVersion.parse("9.5.25-1").isMajorUpgradeTo(DoguVersion.parse("9.6.13-1"))).isTrue();
    }

    @Test
    void legacyToTwelveIsAMajorUpgrade() {
        DoguVersion from = DoguVersion.parse("9.6.13-1");
        DoguVersion to = DoguVersion.parse("12.5-1");
        assertThat(from.postgresMajor()).isEqualTo("9.6");
        assertThat(from.minor()).isEqualTo(13);
        assertThat(to.postgresMajor()).isEqualTo("12");
        assertThat(from.isMajorUpgradeTo(to)).isTrue();
    }

    @Test
    void minorChangeWithinFourteenIsNotAMajorUpgrade() {
        DoguVersion from = DoguVersion.parse("14.17-5");
        DoguVersion to = DoguVersion.parse("14.21-1");
        assertThat(from.isMajorUpgradeTo(to)).isFalse();
        assertThat(from).isLessThan(to);
    }

    @Test
    void fourteenToSeventeenIsAMajorUpgrade() {
        assertThat(DoguVersion.parse("14.21-1").isMajorUpgradeTo(DoguVersion.parse("17.9-0"))).isTrue();
    }

    @Test
    void majorDowngradeIsDetected() {
        DoguVersion from = DoguVersion.parse("17.9-0");
        assertThat(from.isMajorDowngradeTo(DoguVersion.parse("14.21-1"))).isTrue();
        assertThat(from.isMajorDowngradeTo(DoguVersion.parse("17.2-3"))).isFalse();
        assertThat(DoguVersion.parse("10.1-1").isMajorDowngradeTo(DoguVersion.parse("9.6.24-1"))).isTrue();
    }

    @Test
    void orderIsMajorThenMinorThenRelease() {
        assertThat(DoguVersion.parse("14.15-2")).isGreaterThan(DoguVersion.parse("14.15-1"));
        assertThat(DoguVersion.parse("14.9-9")).isLessThan(DoguVersion.parse("14.10-0"));
        assertThat(DoguVersion.parse("9.6.24-9")).isLessThan(DoguVersion.parse("10.0-0"));
        assertThat(DoguVersion.parse("14.15-2")).isEqualTo(DoguVersion.parse("14.15-2"));
    }

    @Test
    void keepsTheTextItWasParsedFrom() {
        assertThat(DoguVersion.parse("17.9-0")).hasToString("17.9-0");
        assertThat(DoguVersion.parse("17.9-0").majorNumber()).isEqualTo(1700);
        assertThat(DoguVersion.parse("9.6.13-1").majorNumber()).isEqualTo(906);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "14", "14.15", "14.15-", "v14.15-2", "14.15-2 ", " 14.15-2", "14.15.1-2",
            "9.6-1", "014.15-2", "14.15-2-1", "14,15-2", "14.x-2", "99999.1-1", "1٤.15-2"})
    void rejectsMalformedVersionsNamingTheValue(String text) {
        assertThatThrownBy(() -> DoguVersion.parse(text))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("'" + text + "'")
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(ErrorCode.INVALID_VERSION));
    }

    @ParameterizedTest
    @NullSource
    void rejectsAMissingVersion(String text) {
        assertThatThrownBy(() -> DoguVersion.parse(text))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("required");
    }
}
