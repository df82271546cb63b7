package com.cloudogu.upgrade.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckReportTest {

    private static final CheckReport.Result PASSED = new CheckReport.Result("reg-types", "reg* columns",
            "drop them", List.of());
    private static final CheckReport.Result FOUND = new CheckReport.Result("postfix-operators",
            "user-defined postfix operators", "drop the operator", List.of("database \"shop\": operator !!"));

    @Test
    void aReportWithoutFindingsIsNotRefused() {
        CheckReport report = new CheckReport("14.19-1", "17.6-1", "14.19", List.of(PASSED), List.of());
        assertThat(report.passed()).isTrue();
        assertThatCode(report::refuseIfIncompatible).doesNotThrowAnyException();
    }

    @Test
    void aFindingRefusesWithEveryObjectAndWhatToDo() {
        CheckReport report = new CheckReport("14.19-1", "17.6-1", "14.19", List.of(PASSED, FOUND), List.of());

        assertThatThrownBy(report::refuseIfIncompatible).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INCOMPATIBLE_CLUSTER);
            assertThat(e.getMessage()).contains("PostgreSQL 17 cannot restore", "[postfix-operators]",
                    "database \"shop\": operator !!", "drop the operator", "dogu-upgrade check 14.19-1 17.6-1");
        });
        assertThat(report.summary()).containsExactly("ok      reg-types", "FAILED  postfix-operators: 1 object(s)");
    }

    @Test
    void anUpgradeWithinOneMajorNeedsNoChecks() {
        CheckReport report = CheckReport.notNeeded("14.15-1", "14.19-1");
        assertThat(report.ran()).isFalse();
        assertThatCode(report::refuseIfIncompatible).doesNotThrowAnyException();
    }
}
