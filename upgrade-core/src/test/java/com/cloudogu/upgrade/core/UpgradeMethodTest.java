package com.cloudogu.upgrade.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import org.junit.jupiter.api.Test;

class UpgradeMethodTest {

    @Test
    void methodsAreReadInTheirDocumentedSpelling() {
        assertThat(UpgradeMethod.parse("dump")).isEqualTo(UpgradeMethod.DUMP);
        assertThat(UpgradeMethod.parse(" PG-UPGRADE ")).isEqualTo(UpgradeMethod.PG_UPGRADE);
        assertThat(UpgradeMethod.PG_UPGRADE).hasToString("pg-upgrade");
        assertThatThrownBy(() -> UpgradeMethod.parse("rsync")).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains("'rsync'", "dump or pg-upgrade");
        });
    }

    @Test
    void modesAreReadInAnyCaseAndOnlyLinkGivesUpTheOldCluster() {
        assertThat(PgUpgradeMode.parse("Clone")).isEqualTo(PgUpgradeMode.CLONE);
        assertThat(PgUpgradeMode.parse("auto")).isEqualTo(PgUpgradeMode.AUTO);
        assertThat(PgUpgradeMode.LINK.keepsOldCluster()).isFalse();
        assertThat(PgUpgradeMode.COPY.keepsOldCluster()).isTrue();
        assertThatThrownBy(() -> PgUpgradeMode.parse("swap")).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.getMessage()).contains("'swap'", "auto, clone, copy or link"));
    }

    @Test
    void theDefaultsKeepTheDumpMethod() {
        UpgradeSettings settings = UpgradeSettings.builder().build();
        assertThat(settings.upgradeMethod()).isEqualTo(UpgradeMethod.DUMP);
        assertThat(settings.pgUpgradeMode()).isEqualTo(PgUpgradeMode.AUTO);
        assertThat(settings.pgUpgradeRollback()).isEqualTo(PgUpgradeRollback.DUMP);
        assertThat(settings.toBuilder().pgUpgradeRollback(PgUpgradeRollback.NONE).build().pgUpgradeRollback())
                .isEqualTo(PgUpgradeRollback.NONE);
        assertThat(settings.toBuilder().upgradeMethod(UpgradeMethod.PG_UPGRADE).build().upgradeMethod())
                .isEqualTo(UpgradeMethod.PG_UPGRADE);
    }

    @Test
    void rollbacksAreReadInAnyCase() {
        assertThat(PgUpgradeRollback.parse(" None ")).isEqualTo(PgUpgradeRollback.NONE);
        assertThat(PgUpgradeRollback.parse("dump")).isEqualTo(PgUpgradeRollback.DUMP).hasToString("dump");
        assertThatThrownBy(() -> PgUpgradeRollback.parse("snapshot")).isInstanceOfSatisfying(UpgradeException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("'snapshot'", "dump or none");
                });
    }
}
