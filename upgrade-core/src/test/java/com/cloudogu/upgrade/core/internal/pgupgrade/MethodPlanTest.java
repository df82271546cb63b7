package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.UpgradeMethod;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MethodPlanTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final OptionalLong CLUSTER = OptionalLong.of(10 * GIB);
    private static final OptionalLong INSTALLATION = OptionalLong.of(90L << 20);

    private static MethodPlan plan(UpgradeMethod method, PgUpgradeMode mode, OptionalLong free) {
        return MethodPlan.of(new MethodPlan.Facts(method, mode, true, true, CLUSTER, INSTALLATION, free));
    }

    @Test
    void noBackupMeansNoMethodAndNothingToRollBack() {
        MethodPlan p = MethodPlan.of(new MethodPlan.Facts(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.AUTO, false, false,
                CLUSTER, INSTALLATION, OptionalLong.of(GIB)));
        assertThat(p.method()).isEqualTo("none");
        assertThat(p.mode()).isEmpty();
        assertThat(p.space()).isEmpty();
    }

    @Test
    void theDumpMethodNeedsTheBackupAndTheRestoreAndKeepsTheOldClusterUntilTheRestoreSucceeded() {
        MethodPlan p = plan(UpgradeMethod.DUMP, PgUpgradeMode.AUTO, OptionalLong.of(100 * GIB));
        assertThat(p.method()).isEqualTo("dump");
        assertThat(p.methodReason()).contains("--upgrade-method dump", "the default");
        assertThat(p.mode()).as("no pg_upgrade mode for dump").isEmpty();
        assertThat(p.space()).hasSize(3);
        assertThat(p.space().get(1)).startsWith("restore: about 20544 MiB");
        assertThat(p.space().get(2)).isEqualTo("free now on the volume of PGDATA: 102400 MiB");
        assertThat(p.rollback()).contains("the old cluster is removed only after the restore succeeded");
    }

    @Test
    void autoSaysCloneIsUnknownUntilTheNewContainerAndWhetherCopyFitsNow() {
        MethodPlan roomy = plan(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.AUTO, OptionalLong.of(100 * GIB));
        assertThat(roomy.method()).isEqualTo("pg-upgrade");
        assertThat(roomy.mode()).isEqualTo("auto");
        assertThat(roomy.modeReason()).contains("decided in the new container", "clone if",
                "unknown until then", "else copy", "the volume has room for it now", "else link, only with a rollback");
        assertThat(roomy.space()).containsExactly(
                "carried-over old installation: about 90 MiB (programs, package libraries, share directory,"
                        + " shared-library closure)",
                "if copy mode runs: about 10496 MiB more (a second copy of the data)",
                "fallback, if pg_upgrade refuses (rung 2): about 20544 MiB (a dump taken in the new container plus the"
                        + " restored data)",
                "free now on the volume of PGDATA: 102400 MiB");
        assertThat(roomy.rollback()).contains("with clone or copy the old cluster stays unchanged",
                "fallback rungs leave the old cluster untouched");

        MethodPlan tight = plan(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.AUTO, OptionalLong.of(5 * GIB));
        assertThat(tight.modeReason()).contains("the volume has NO room for it now");
    }

    @Test
    void askedModesSayWhatTheyNeed() {
        assertThat(plan(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.CLONE, OptionalLong.of(GIB)).modeReason())
                .contains("clone, as asked", "checked only in the new container");
        MethodPlan link = plan(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.LINK, OptionalLong.of(GIB));
        assertThat(link.modeReason()).contains("link, as asked", "needs a rollback");
        assertThat(link.space().get(1)).isEqualTo("link mode: little beyond the installation (the new catalogs and WAL)");
        assertThat(link.rollback()).contains("until the new cluster's first start 'abort' brings the old cluster back",
                "after it only the pre-upgrade dump or a volume snapshot");
        MethodPlan copy = plan(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.COPY, OptionalLong.of(GIB));
        assertThat(copy.space().get(1)).startsWith("copy mode: about 10496 MiB more");
        assertThat(copy.rollback()).startsWith("the old cluster stays unchanged until the new one is complete");
    }

    @Test
    void sizesThatCouldNotBeMeasuredSaySo() {
        MethodPlan p = MethodPlan.of(new MethodPlan.Facts(UpgradeMethod.PG_UPGRADE, PgUpgradeMode.AUTO, true, true,
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty()));
        assertThat(p.space()).allMatch(l -> l.contains("unknown"));
        assertThat(p.space().get(0)).contains("no PostgreSQL installation found on PATH");
        assertThat(p.space().get(1)).contains("the old server could not be asked");
        assertThat(p.modeReason()).contains("whether it fits is unknown here");
    }
}
