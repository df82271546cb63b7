package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.pgupgrade.FallbackLadder.Failure;
import com.cloudogu.upgrade.core.internal.pgupgrade.FallbackLadder.Rung;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FallbackLadderTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final Failure CLEAN_WITHOUT_DUMP = new Failure(false, false, false);
    private static final Failure CLEAN_WITH_DUMP = new Failure(false, false, true);

    @Test
    void aRefusedPgUpgradeStepsDownToTheOldServerDumpWithOrWithoutAPreUpgradeDump() {
        assertThat(FallbackLadder.next(Rung.PG_UPGRADE, CLEAN_WITHOUT_DUMP)).contains(Rung.OLD_SERVER_DUMP);
        assertThat(FallbackLadder.next(Rung.PG_UPGRADE, CLEAN_WITH_DUMP)).contains(Rung.OLD_SERVER_DUMP);
    }

    @Test
    void theOldServerDumpStepsDownToThePreUpgradeDumpOnlyWhenThereIsOne() {
        assertThat(FallbackLadder.next(Rung.OLD_SERVER_DUMP, CLEAN_WITH_DUMP)).contains(Rung.PRE_UPGRADE_DUMP);
        assertThat(FallbackLadder.next(Rung.OLD_SERVER_DUMP, CLEAN_WITHOUT_DUMP)).isEmpty();
    }

    @Test
    void thePreUpgradeDumpIsTheLastRung() {
        assertThat(FallbackLadder.next(Rung.PRE_UPGRADE_DUMP, CLEAN_WITH_DUMP)).isEmpty();
    }

    @Test
    void aRungThatTouchedTheTargetEndsTheAttemptSoTheNextStartsFromAFreshTarget() {
        Failure restoredHalf = new Failure(false, true, true);
        assertThat(FallbackLadder.next(Rung.OLD_SERVER_DUMP, restoredHalf)).isEmpty();
        assertThat(FallbackLadder.next(Rung.PG_UPGRADE, restoredHalf)).isEmpty();
    }

    @Test
    void aRungThatMayHaveChangedTheOldClusterIsNeverFollowed() {
        Failure linked = new Failure(true, false, true);
        assertThat(FallbackLadder.next(Rung.PG_UPGRADE, linked)).isEmpty();
        assertThat(FallbackLadder.next(Rung.OLD_SERVER_DUMP, linked)).isEmpty();
    }

    @Test
    void theStepLineNamesTheNextRungAndWhy() {
        assertThat(FallbackLadder.stepLine(Rung.OLD_SERVER_DUMP, "pg_upgrade --check (copy) refused: Checking for reg*"
                + " data types in user tables"))
                .isEqualTo("pg-upgrade fallback: rung 2 (dump and restore from the old server started in this container)"
                        + " runs next, because pg_upgrade --check (copy) refused: Checking for reg* data types in user"
                        + " tables");
        assertThat(Rung.PRE_UPGRADE_DUMP).hasToString("rung 3 (restore of the pre-upgrade dump)");
    }

    @Test
    void theOldServerDumpNeedsRoomForTheDumpAndTheRestoredData() {
        assertThat(FallbackLadder.spaceForOldServerDump(10 * GIB)).isEqualTo(20 * GIB + (64L << 20));
        FallbackLadder.requireSpaceForOldServerDump(Path.of("/v/backup"), 20 * GIB + (64L << 20), 10 * GIB);
        assertThatThrownBy(() -> FallbackLadder.requireSpaceForOldServerDump(Path.of("/v/backup/pg-upgrade-work"),
                20 * GIB, 10 * GIB)).isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
                    assertThat(e.getMessage()).contains("about 20544 MiB", "/v/backup/pg-upgrade-work",
                            "up to 10240 MiB", "20480 MiB are free", "retry-restore", "old cluster is untouched");
                });
    }
}
