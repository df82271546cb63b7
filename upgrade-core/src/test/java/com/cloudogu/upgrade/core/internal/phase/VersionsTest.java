package com.cloudogu.upgrade.core.internal.phase;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An older server cannot read a newer data directory: a major downgrade is refused before anything happens. */
class VersionsTest {

    @Test
    void aMajorDowngradeIsRefusedNamingBothMajorsAndWhatToDoInstead() {
        UpgradeException e = catchThrowableOfType(() -> Versions.refuseDowngrade(DoguVersion.parse("17.6-0"),
                DoguVersion.parse("14.19-1")), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.MAJOR_DOWNGRADE);
        assertThat(e.getMessage()).contains("Refusing the major downgrade 17.6-0 -> 14.19-1",
                "PostgreSQL 14 cannot read data written by PostgreSQL 17",
                "Upgrade to a version with PostgreSQL 17 or newer", "Nothing was changed");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"14.19-1, 17.6-0", "17.6-1, 17.6-0", "17.9-0, 17.6-0", "17.6-0, 17.6-0", "9.5.10-1, 9.6.13-1"})
    void upgradesAndDowngradesWithinAMajorAreAllowed(String from, String to) {
        assertThatNoException().isThrownBy(() -> Versions.refuseDowngrade(DoguVersion.parse(from),
                DoguVersion.parse(to)));
    }

    @Test
    void nineSixToNineFiveIsAMajorDowngrade() {
        UpgradeException e = catchThrowableOfType(() -> Versions.refuseDowngrade(DoguVersion.parse("9.6.13-1"),
                DoguVersion.parse("9.5.10-1")), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.MAJOR_DOWNGRADE);
    }
}
