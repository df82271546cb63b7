package com.cloudogu.upgrade.core.internal.phase;

import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.cluster;
import static com.cloudogu.upgrade.core.internal.phase.PhaseFixture.restoreTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.core.internal.lock.PhaseLock;
import com.cloudogu.upgrade.core.internal.restore.RestoreInterruptedException;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What startup decides on every container start, from the recorded state and what lies in PGDATA:
 * wait, end at once, refuse, restore (recording a failure or not), initialize, or nothing. The restore
 * and initdb are mocks behind {@link StartupRestore} and {@link Initdb}; no program runs.
 */
@Timeout(20)
class StartupPhaseTest {

    private static final String BACKUP = "/vol/backup/cluster-14.19-1.sql";
    private static final String REASON = "Restoring " + BACKUP + " stopped at the first error (psql exit 3).";

    @TempDir
    Path dir;

    private PhaseFixture fx;
    private Path pgdata;
    private final StartupRestore restore = mock(StartupRestore.class);
    private final Initdb initdb = mock(Initdb.class);
    private Supplier<List<Migration>> migrations = () -> List.of(new Repair("02-restrict", "restricted_stat_visibility"),
            new Repair("04-update-extensions", null));

    @BeforeEach
    void volume() throws IOException {
        fx = new PhaseFixture(dir);
        Files.createDirectories(fx.volume);
        pgdata = fx.volume.resolve("17/docker");
    }

    @AfterEach
    void noProgramRan() {
        fx.assertNoProgramRan();
    }

    @Nested
    class RecordedState {

        @Test
        void aRecordedRestoreFailureEndsStartupAtOnceWithTheReasonAndWhatToDo() {
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + REASON);
            fx.state.set(StateKeys.MIGRATION_BACKUP_PATH, BACKUP);

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
            assertThat(e.getMessage()).contains(REASON, "The backup is kept.", "dogu-upgrade retry-restore",
                    "dogu-upgrade abort");
            verifyNoInteractions(restore, initdb);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).as("still recorded").contains(StateKeys.FAILED_PREFIX
                    + REASON);
        }

        @Test
        void aRecordedFailureAfterTheRestoreCompletedPointsToPostUpgrade() {
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "Migration 03-x failed: boom.");

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.getMessage()).contains("Migration 03-x failed: boom.", "run post-upgrade again")
                    .doesNotContain("retry-restore");
            verifyNoInteractions(restore, initdb);
        }

        @Test
        void startupWaitsWhileAnUpgradeRunsAndGoesOnWhenItFinished() throws Exception {
            cluster(pgdata, "17");
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            Thread postUpgrade = new Thread(() -> {
                sleep(100);
                fx.state.remove(StateKeys.LOCAL_STATE);
            });
            postUpgrade.start();

            startup();

            postUpgrade.join();
            verify(restore).cleanUpAfterInterruption(new DataDirectory(pgdata));
        }

        @Test
        void startupWaitingForAnUpgradeThatFailsEndsWithItsFailure() {
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            Thread postUpgrade = new Thread(() -> {
                sleep(100);
                fx.state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "Migration 03-x failed: boom.");
            });
            postUpgrade.start();

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
            assertThat(e.getMessage()).contains("Migration 03-x failed: boom.");
        }

        @Test
        void anUpgradeThatRunsLongerThanTheWaitTimeoutEndsStartupWithATimeout() {
            fx.state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
            StartupPhase phase = new StartupPhase(fx.env(pgdata, migrations,
                    b -> b.waitTimeout(Duration.ofMillis(50))), restore, initdb);

            UpgradeException e = catchThrowableOfType(phase::run, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("for the running upgrade (local_state=upgrading)", "--wait-timeout");
            verifyNoInteractions(restore, initdb);
        }

        @Test
        void aClusterWithNothingRecordedOnlyGetsTheCheapCleanUpAndNoDiscovery() throws IOException {
            cluster(pgdata, "17");
            migrations = () -> {
                throw new AssertionError("no discovery on the path every start takes");
            };

            startup();

            verify(restore).cleanUpAfterInterruption(new DataDirectory(pgdata));
            verify(restore, never()).restoreRecordedBackup();
            verifyNoInteractions(initdb);
        }

        @Test
        void aPartialRestoreTargetWithNothingRecordedIsRefusedAndNotServed() throws IOException {
            restoreTarget(pgdata, "17");

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
            assertThat(e.getMessage()).contains("PGDATA " + pgdata + " holds a restore that did not finish",
                    "startup will not go on with it", "Nothing was changed");
            verifyNoInteractions(restore, initdb);
            assertThat(new DataDirectory(pgdata).isRestoreTarget()).isTrue();
        }
    }

    @Nested
    class FreshInstall {

        @Test
        void anAbsentPgdataWithNothingRecordedIsCreatedInitializedAndEveryMarkerSet() {
            fx.state.set(StateKeys.USER, "dogu");
            fx.state.set(StateKeys.PASSWORD, "secret");

            startup();

            assertThat(pgdata).isDirectory();
            verify(initdb).initialize(new DataDirectory(pgdata), ClusterSettings.DEFAULT, "dogu", Optional.of("secret"));
            assertThat(fx.state.get("restricted_stat_visibility")).as("a fresh cluster needs no repair").contains(
                    "true");
            verifyNoInteractions(restore);
        }

        @Test
        void pgdataWithFilesThatAreNoClusterIsRefused() throws IOException {
            Files.createDirectories(pgdata);
            Files.writeString(pgdata.resolve("lost+found"), "");

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
            assertThat(e.getMessage()).contains("is neither empty nor a PostgreSQL cluster and no backup is recorded");
            verifyNoInteractions(initdb);
        }

        @Test
        void anEmptyPgdataNextToTheLegacyClusterAtTheVolumeRootIsNoFreshInstall() throws IOException {
            cluster(fx.volume, "14");

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
            assertThat(e.getMessage()).contains("the volume holds a cluster in [" + fx.volume + "]",
                    "refusing a fresh install over an upgrade that did not run", "Nothing was changed");
            verifyNoInteractions(initdb);
            assertThat(pgdata).as("not even created").doesNotExist();
        }

        @Test
        void anEmptyPgdataNextToAnOldMajorsDirectoryIsNoFreshInstall() throws IOException {
            Path old = cluster(fx.volume.resolve("14/docker"), "14");

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.getMessage()).contains("holds a cluster in [" + old + "]");
            verifyNoInteractions(initdb);
        }

        @Test
        void anEmptyPgdataWithTheRecordedOldClusterElsewhereIsNoFreshInstall() throws IOException {
            Path old = cluster(dir.resolve("elsewhere/pgdata"), "14");
            fx.state.set(StateKeys.MIGRATION_OLD_PGDATA, old.toString());

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.getMessage()).contains("holds a cluster in [" + old + "]");
            verifyNoInteractions(initdb);
        }

        @Test
        void aBrokenPluginFailsBeforeInitdb() {
            migrations = () -> {
                throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "acme.jar: no such class");
            };

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
            verifyNoInteractions(initdb);
        }
    }

    @Nested
    class PendingRestore {

        @BeforeEach
        void recorded() {
            fx.state.set(StateKeys.MIGRATION_BACKUP_PATH, BACKUP);
        }

        @Test
        void aRecordedBackupIsRestoredInsteadOfInitializingAnEmptyCluster() {
            doAnswer(call -> {
                fx.state.remove(StateKeys.MIGRATION_BACKUP_PATH); // what a completed restore does
                return null;
            }).when(restore).restoreRecordedBackup();

            startup();

            verify(restore).restoreRecordedBackup();
            verifyNoInteractions(initdb);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).isEmpty();
        }

        @Test
        void aRestoreThatFailsIsRecordedSoTheNextStartEndsAtOnce() {
            doThrowOnRestore(new UpgradeException(ErrorCode.RESTORE_FAILED, REASON));

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.FAILED_PREFIX + REASON);
        }

        @Test
        void anUnexpectedErrorInTheRestoreIsRecordedAsSuch() {
            doThrowOnRestore(new IllegalStateException("no lanes"));

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.FAILED_PREFIX
                    + "startup failed unexpectedly: java.lang.IllegalStateException: no lanes");
        }

        @Test
        void anInterruptedRestoreIsNotRecordedSoTheNextStartRestoresAgain() {
            doThrowOnRestore(new UpgradeException(ErrorCode.RESTORE_FAILED, "psql failed",
                    new RestoreInterruptedException("the temporary server was killed (signal 9)")));

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(fx.state.get(StateKeys.MIGRATION_BACKUP_PATH)).contains(BACKUP);
        }

        @Test
        void aMigrationThatFailsAfterTheRestoreCompletedIsRecorded() {
            when(restore.migrationFailed()).thenReturn(true);
            doAnswer(call -> {
                fx.state.remove(StateKeys.MIGRATION_BACKUP_PATH);
                throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Migration 03-x failed: boom.");
            }).when(restore).restoreRecordedBackup();

            catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.FAILED_PREFIX
                    + "Migration 03-x failed: boom.");
        }

        @Test
        void anErrorAfterTheRestoreAndItsMigrationsCompletedIsNotRecordedSoTheNextStartFinishes() {
            doAnswer(call -> {
                fx.state.remove(StateKeys.MIGRATION_BACKUP_PATH);
                throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot remove the old cluster: busy.");
            }).when(restore).restoreRecordedBackup();

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
            assertThat(fx.state.get(StateKeys.LOCAL_STATE)).isEmpty();
        }

        @Test
        void aStateStoreThatFailsAfterTheRestoreFailedRecordsNothingAndKeepsBothErrors() {
            doAnswer(call -> {
                fx.state.failFromNowOn();
                throw new UpgradeException(ErrorCode.RESTORE_FAILED, REASON);
            }).when(restore).restoreRecordedBackup();

            UpgradeException e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);

            assertThat(e.getMessage()).isEqualTo(REASON);
            assertThat(e.getSuppressed()).singleElement().isInstanceOf(StateStoreException.class);
            assertThat(fx.state.snapshot()).doesNotContainKey(StateKeys.LOCAL_STATE);
        }

        @Test
        void anotherPhaseHoldingTheLockStopsStartupBeforeTheRestore() {
            UpgradeException e;
            try (PhaseLock held = PhaseLock.acquire(fx.lockFile(), "post-upgrade")) {
                e = catchThrowableOfType(StartupPhaseTest.this::startup, UpgradeException.class);
            }

            assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
            verifyNoInteractions(restore);
        }

        private void doThrowOnRestore(RuntimeException failure) {
            doAnswer(call -> {
                throw failure;
            }).when(restore).restoreRecordedBackup();
        }
    }

    private void startup() {
        new StartupPhase(fx.env(pgdata, migrations), restore, initdb).run();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A migration that only carries an id and a marker: startup never runs one itself. */
    private record Repair(String id, String markerKey) implements Migration {
        @Override
        public String description() {
            return id;
        }

        @Override
        public Optional<String> marker() {
            return Optional.ofNullable(markerKey);
        }

        @Override
        public void migrate(MigrationContext context) {
            throw new AssertionError("startup runs no migration itself");
        }
    }
}
