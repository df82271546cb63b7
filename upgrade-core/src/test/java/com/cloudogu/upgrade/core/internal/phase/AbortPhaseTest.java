package com.cloudogu.upgrade.core.internal.phase;

import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.cluster;
import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.hasReadOnlyGuard;
import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.readOnlyGuard;
import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.restoreTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * abort brings the old cluster back where the old image expects it, or refuses when that could lose
 * data. Every refusal is {@code DU-FAILED} ("abort refused: ..."), leaves the recorded state and the
 * clusters as they were, and runs no program. No server: the volume is made of files, the state lives in
 * memory, the process runner is a mock that must never be called.
 */
class AbortPhaseTest {

    private static final String BACKUP = "/vol/backup/cluster-14.19-1.sql";

    @TempDir
    Path dir;

    private PhaseFixture fx;

    @BeforeEach
    void fixture() throws IOException {
        fx = new PhaseFixture(dir);
        Files.createDirectories(fx.volume);
    }

    @AfterEach
    void noProgramRan() {
        fx.assertNoProgramRan();
    }

    /** The old cluster and the new PGDATA on the same path: the old one was moved aside for the restore. */
    @Nested
    class SamePath {

        private Path pgdata;
        private Path aside;

        @BeforeEach
        void layout() {
            pgdata = fx.volume.resolve("data");
            aside = fx.volume.resolve("data.previous-14");
        }

        @Test
        void nothingRecordedAndNothingAsideIsNothingToAbort() throws IOException {
            cluster(pgdata, "17");

            abort();

            assertThat(fx.state.snapshot()).isEmpty();
            assertThat(pgdata.resolve("PG_VERSION")).hasContent("17");
        }

        @Test
        void nothingRecordedButAnOldClusterAsideIsRefusedBecauseTheRestoreCompleted() throws IOException {
            cluster(pgdata, "17");
            cluster(aside, "14");

            UpgradeException e = refusal();

            assertThat(e.getMessage()).contains("abort refused: the upgrade already completed",
                    "can only be brought back by hand", aside.toString());
            assertThat(pgdata.resolve("PG_VERSION")).hasContent("17");
            assertThat(aside.resolve("PG_VERSION")).hasContent("14");
        }

        @Test
        void aPartialRestoreIsReplacedByTheOldClusterSetAsideWhoseGuardIsLifted() throws IOException {
            restoreTarget(pgdata, "17");
            cluster(aside, "14");
            readOnlyGuard(aside);
            recordRestore(pgdata);

            abort();

            assertThat(pgdata.resolve("PG_VERSION")).hasContent("14");
            assertThat(pgdata.resolve("base/1/1259")).hasContent("rows of data.previous-14");
            assertThat(aside).doesNotExist();
            assertThat(hasReadOnlyGuard(pgdata)).isFalse();
            assertThat(fx.state.snapshot()).as("the state is cleared").isEmpty();
        }

        @Test
        void severalOldClustersAsideAreRefusedBecauseOnlyAPersonKnowsWhichIsRight() throws IOException {
            restoreTarget(pgdata, "17");
            cluster(aside, "14");
            cluster(fx.volume.resolve("data.previous-14-2"), "14");
            recordRestore(pgdata);

            UpgradeException e = refusal();

            assertThat(e.getMessage()).contains("several old clusters lie next to PGDATA");
            assertNothingChanged(pgdata);
        }

        @Test
        void aClusterInPgdataThatThisToolDidNotCreateIsNeverDiscarded() throws IOException {
            cluster(pgdata, "17");
            cluster(aside, "14");
            recordRestore(pgdata);

            UpgradeException e = refusal();

            assertThat(e.getMessage()).contains("holds a PostgreSQL 17 cluster that is not a restore target of this"
                    + " tool; discarding it could lose data");
            assertNothingChanged(pgdata);
        }

        @Test
        void filesInPgdataThatAreNoClusterAreNeverDiscarded() throws IOException {
            Files.createDirectories(pgdata);
            Files.writeString(pgdata.resolve("notes.txt"), "someone's notes");
            cluster(aside, "14");
            recordRestore(pgdata);

            UpgradeException e = refusal();

            assertThat(e.getMessage()).contains("holds files that are no cluster; move them away first");
            assertThat(pgdata.resolve("notes.txt")).exists();
            assertThat(aside).exists();
        }

        @Test
        void aPartialRestoreWithNoOldClusterToBringBackIsRefusedPointingToRetryRestore() throws IOException {
            restoreTarget(pgdata, "17");
            recordRestore(pgdata);

            UpgradeException e = refusal();

            assertThat(e.getMessage()).contains("holds a partial restore and no old cluster to bring back",
                    "the backup is kept at " + BACKUP, "dogu-upgrade retry-restore");
            assertNothingChanged(pgdata);
        }

        @Test
        void anUpgradeThatOnlyRanPreUpgradeLiftsTheGuardOfTheStoppedOldCluster() throws IOException {
            cluster(pgdata, "14");
            readOnlyGuard(pgdata);
            recordRestore(pgdata);

            abort();

            assertThat(hasReadOnlyGuard(pgdata)).isFalse();
            assertThat(pgdata.resolve("PG_VERSION")).hasContent("14");
            assertThat(fx.state.snapshot()).isEmpty();
        }

        @Test
        void anotherPhaseHoldingTheLockRefusesAbortAtOnce() throws IOException {
            restoreTarget(pgdata, "17");
            cluster(aside, "14");
            recordRestore(pgdata);

            UpgradeException e;
            try (PhaseLock held = PhaseLock.acquire(fx.lockFile(), "startup")) {
                e = catchThrowableOfType(() -> new AbortPhase(fx.env(pgdata, List::of)).run(), UpgradeException.class);
            }

            assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
            assertThat(e.getMessage()).contains("abort did not start");
            assertNothingChanged(pgdata);
        }

        @Test
        void anUnreachableStateStoreFailsAbortWithTheStoresCodeAndTouchesNothing() throws IOException {
            restoreTarget(pgdata, "17");
            cluster(aside, "14");
            recordRestore(pgdata);
            fx.state.failFromNowOn();

            UpgradeException e = catchThrowableOfType(() -> new AbortPhase(fx.env(pgdata, List::of)).run(),
                    UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.STATE_STORE);
            assertThat(new DataDirectory(pgdata).isRestoreTarget()).isTrue();
            assertThat(aside).exists();
        }

        private UpgradeException refusal() {
            return AbortPhaseTest.this.refusal(pgdata);
        }

        private void abort() {
            new AbortPhase(fx.env(pgdata, List::of)).run();
        }
    }

    /** The old cluster stays where it is (a sibling, or the legacy volume root); the new PGDATA goes. */
    @Nested
    class OtherPath {

        private Path pgdata17;

        @BeforeEach
        void layout() {
            pgdata17 = fx.volume.resolve("17/docker");
        }

        @Test
        void aPartialRestoreNextToTheOldClusterIsRemovedWithItsEmptyParent() throws IOException {
            Path old = cluster(fx.volume.resolve("14/docker"), "14");
            readOnlyGuard(old);
            restoreTarget(pgdata17, "17");
            recordRestore(old);

            abort(pgdata17);

            assertThat(fx.volume.resolve("17")).doesNotExist();
            assertThat(old.resolve("base/1/1259")).hasContent("rows of docker");
            assertThat(hasReadOnlyGuard(old)).isFalse();
            assertThat(fx.state.snapshot()).isEmpty();
        }

        @Test
        void theLegacyVolumeRootKeepsItsClusterAndItsBackupWhenThePartialRestoreBelowItGoes() throws IOException {
            cluster(fx.volume, "14");
            readOnlyGuard(fx.volume);
            Files.createDirectories(fx.backupDir);
            Files.writeString(fx.backupDir.resolve("cluster-14.19-1.sql"), "the dump");
            restoreTarget(pgdata17, "17");
            recordRestore(fx.volume);

            abort(pgdata17);

            assertThat(fx.volume.resolve("17")).doesNotExist();
            assertThat(fx.volume.resolve("PG_VERSION")).hasContent("14");
            assertThat(fx.backupDir.resolve("cluster-14.19-1.sql")).as("the backup is kept").hasContent("the dump");
            assertThat(hasReadOnlyGuard(fx.volume)).isFalse();
            assertThat(fx.state.snapshot()).isEmpty();
        }

        @Test
        void aNewPgdataThatWasNeverCreatedLeavesOnlyTheGuardToLift() throws IOException {
            Path old = cluster(fx.volume.resolve("14/docker"), "14");
            readOnlyGuard(old);
            recordRestore(old);

            abort(pgdata17);

            assertThat(hasReadOnlyGuard(old)).isFalse();
            assertThat(pgdata17).doesNotExist();
            assertThat(fx.state.snapshot()).isEmpty();
        }

        @Test
        void aClusterInTheNewPgdataThatThisToolDidNotCreateIsNeverDiscarded() throws IOException {
            Path old = cluster(fx.volume.resolve("14/docker"), "14");
            cluster(pgdata17, "17");
            recordRestore(old);

            UpgradeException e = refusal(pgdata17);

            assertThat(e.getMessage()).contains("holds a PostgreSQL 17 cluster that is not a restore target");
            assertNothingChanged(pgdata17);
        }

        @Test
        void filesInTheNewPgdataThatAreNoClusterAreNeverDiscarded() throws IOException {
            Path old = cluster(fx.volume.resolve("14/docker"), "14");
            Files.createDirectories(pgdata17);
            Files.writeString(pgdata17.resolve("notes.txt"), "someone's notes");
            recordRestore(old);

            UpgradeException e = refusal(pgdata17);

            assertThat(e.getMessage()).contains("holds files that are no cluster");
            assertThat(pgdata17.resolve("notes.txt")).exists();
        }

        @Test
        void aRecordedOldClusterThatIsGoneIsADataDirectoryErrorAndTheStateStays() throws IOException {
            Path old = fx.volume.resolve("14/docker");
            restoreTarget(pgdata17, "17");
            recordRestore(old);

            UpgradeException e = catchThrowableOfType(() -> abort(pgdata17), UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
            assertThat(e.getMessage()).contains("The old cluster recorded in " + old + " is not there",
                    "The backup is kept");
            assertThat(fx.state.get(StateKeys.MIGRATION_BACKUP_PATH)).contains(BACKUP);
        }

        @Test
        void aSameMajorMoveWithoutBackupIsMovedBackToTheLegacyRoot() throws IOException {
            Path moved = cluster(fx.volume.resolve("14/docker"), "14");
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            fx.state.set(StateKeys.MIGRATION_OLD_PGDATA, fx.volume.toString());

            abort(moved);

            assertThat(fx.volume.resolve("PG_VERSION")).hasContent("14");
            assertThat(fx.volume.resolve("base/1/1259")).hasContent("rows of docker");
            assertThat(moved).doesNotExist();
            assertThat(fx.state.snapshot()).isEmpty();
        }

        private void abort(Path pgdata) {
            new AbortPhase(fx.env(pgdata, List::of)).run();
        }
    }

    private void recordRestore(Path oldCluster) {
        fx.state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "psql stopped at the first error.");
        fx.state.set(StateKeys.MIGRATION_BACKUP_PATH, BACKUP);
        fx.state.set(StateKeys.MIGRATION_OLD_PGDATA, oldCluster.toString());
    }

    private UpgradeException refusal(Path pgdata) {
        Map<String, String> before = fx.state.snapshot();

        UpgradeException e = catchThrowableOfType(() -> new AbortPhase(fx.env(pgdata, List::of)).run(),
                UpgradeException.class);

        assertThat(e).as("abort refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
        assertThat(e.getMessage()).startsWith("abort refused: ");
        assertThat(fx.state.snapshot()).as("the recorded state stays").isEqualTo(before);
        return e;
    }

    private void assertNothingChanged(Path pgdata) {
        assertThat(pgdata.resolve("PG_VERSION")).exists();
        assertThat(pgdata.resolve("base/1/1259")).exists();
    }
}
