package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.PgUpgradeMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import org.junit.jupiter.api.Test;

class ModeChoiceTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final PgUpgradeMode AUTO = PgUpgradeMode.AUTO;

    @Test
    void autoClonesWhereTheFileSystemCan() {
        ModeChoice c = ModeChoice.choose(AUTO, new ModeChoice.Facts(true, 0, 10 * GIB, false));
        assertThat(c.mode()).isEqualTo(PgUpgradeMode.CLONE);
        assertThat(c.reason()).contains("clones files");
    }

    @Test
    void autoCopiesWhenTheVolumeTakesASecondCopyWithTheMargin() {
        ModeChoice c = ModeChoice.choose(AUTO, new ModeChoice.Facts(false, 10 * GIB + ModeChoice.MARGIN, 10 * GIB,
                false));
        assertThat(c.mode()).isEqualTo(PgUpgradeMode.COPY);
        assertThat(c.reason()).contains("10496 MiB needed", "10496 MiB free");
    }

    @Test
    void autoLinksOnlyWithAPreUpgradeDumpAsTheRollback() {
        ModeChoice.Facts tight = new ModeChoice.Facts(false, 10 * GIB, 10 * GIB, true);
        assertThat(ModeChoice.choose(AUTO, tight).mode()).isEqualTo(PgUpgradeMode.LINK);

        ModeChoice.Facts noRollback = new ModeChoice.Facts(false, 10 * GIB, 10 * GIB, false);
        assertThatThrownBy(() -> ModeChoice.choose(AUTO, noRollback)).isInstanceOfSatisfying(UpgradeException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
                    assertThat(e.getMessage()).contains("--upgrade-method dump", "10496 MiB", "10240 MiB are free");
                });
    }

    @Test
    void anExplicitModeIsRefusedWhenItCannotRunSafely() {
        assertThatThrownBy(() -> ModeChoice.choose(PgUpgradeMode.CLONE,
                new ModeChoice.Facts(false, 100 * GIB, GIB, true)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        assertThatThrownBy(() -> ModeChoice.choose(PgUpgradeMode.COPY,
                new ModeChoice.Facts(true, GIB, GIB, true)))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE));
        assertThatThrownBy(() -> ModeChoice.choose(PgUpgradeMode.LINK,
                new ModeChoice.Facts(true, 100 * GIB, GIB, false)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.getMessage())
                        .contains("no pre-upgrade dump"));
    }

    @Test
    void anExplicitModeThatCanRunIsTaken() {
        ModeChoice.Facts all = new ModeChoice.Facts(true, 100 * GIB, GIB, true);
        for (PgUpgradeMode mode : java.util.EnumSet.of(PgUpgradeMode.CLONE, PgUpgradeMode.COPY, PgUpgradeMode.LINK)) {
            assertThat(ModeChoice.choose(mode, all).mode()).isEqualTo(mode);
        }
    }

    @Test
    void autoLinksWithTheOperatorsSnapshotAsTheRollbackAndSaysSo() {
        ModeChoice c = ModeChoice.choose(AUTO, new ModeChoice.Facts(false, GIB, 10 * GIB,
                java.util.Optional.of("the operator's volume snapshot")));
        assertThat(c.mode()).isEqualTo(PgUpgradeMode.LINK);
        assertThat(c.reason()).contains("no room for a copy", "the operator's volume snapshot as the rollback");
        assertThat(ModeChoice.choose(PgUpgradeMode.LINK, new ModeChoice.Facts(false, 100 * GIB, GIB,
                java.util.Optional.of("the pre-upgrade dump /b/cluster-15.sql"))).reason())
                .contains("the rollback is the pre-upgrade dump /b/cluster-15.sql");
    }

    @Test
    void preUpgradePreparesARollbackOnlyWhenLinkModeMayRun() {
        assertThat(ModeChoice.mayLink(PgUpgradeMode.LINK, 100 * GIB, GIB)).isTrue();
        assertThat(ModeChoice.mayLink(AUTO, GIB + ModeChoice.MARGIN - 1, GIB)).as("no room for a copy").isTrue();
        assertThat(ModeChoice.mayLink(AUTO, GIB + ModeChoice.MARGIN, GIB)).as("room for a copy").isFalse();
        assertThat(ModeChoice.mayLink(PgUpgradeMode.COPY, 0, GIB)).isFalse();
        assertThat(ModeChoice.mayLink(PgUpgradeMode.CLONE, 0, GIB)).isFalse();
    }
}
