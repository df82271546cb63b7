package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.state.MemoryStateStore;
import com.cloudogu.upgrade.core.UpgradeSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.process.UserSwitch;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the phases decide about a failed or unfinished restore, without a server: every decision here
 * is taken before any program runs (the process runner is a mock that would record a call), so a
 * start after a recorded failure costs a state read, not initdb and an O(size) restore.
 */
class FailedRestoreDecisionsTest {

    private static final String REASON = "Restoring /vol/backup/cluster-14.19-1.sql stopped at the first error"
            + " (psql exit 3): psql:<stdin>:40: ERROR: extension \"dogu_demo\" is not available.";

    @TempDir
    Path dir;

    private final MemoryStateStore state = new MemoryStateStore();
    private final ProcessRunner runner = mock(ProcessRunner.class);
    private Path pgdata;
    private PhaseEnvironment env;

    @BeforeEach
    void environment() {
        pgdata = dir.resolve("volume/17/docker");
        when(runner.userSwitch()).thenReturn(UserSwitch.forCurrentProcess());
        UpgradeSettings settings = UpgradeSettings.builder().dataDirectory(pgdata)
                .backupDirectory(dir.resolve("volume/backup")).lockFile(dir.resolve("dogu-upgrade.lock")).build();
        env = new PhaseEnvironment(settings, state, runner, new EventDispatcher(), () -> {
            throw new AssertionError("no migration discovery expected");
        }, () -> {
            throw new AssertionError("no backup rules expected");
        });
    }

    @Test
    void startupAfterAFailedRestoreEndsAtOnceWithTheReasonAndWhatToDo() {
        state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + REASON);
        state.set(StateKeys.MIGRATION_BACKUP_PATH, "/vol/backup/cluster-14.19-1.sql");

        UpgradeException e = catchThrowableOfType(() -> new StartupPhase(env).run(), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
        assertThat(e.getMessage()).contains("ERROR: extension \"dogu_demo\" is not available",
                "The backup is kept", "dogu-upgrade retry-restore", "dogu-upgrade abort");
        verify(runner, never()).run(any());
        verify(runner, never()).start(any());
        assertThat(state.get(StateKeys.LOCAL_STATE)).as("the failure stays recorded").contains(
                StateKeys.FAILED_PREFIX + REASON);
    }

    @Test
    void startupAfterAFailureWithoutPendingRestorePointsToPostUpgrade() {
        state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "Migration 03-x failed: boom.");

        UpgradeException e = catchThrowableOfType(() -> new StartupPhase(env).run(), UpgradeException.class);

        assertThat(e.getMessage()).contains("Migration 03-x failed: boom.", "run post-upgrade again")
                .doesNotContain("retry-restore");
        verify(runner, never()).run(any());
    }

    @Test
    void startupRefusesAPartialRestoreTargetWhenNoRestoreIsRecorded() throws IOException {
        partialRestoreTarget();

        UpgradeException e = catchThrowableOfType(() -> new StartupPhase(env).run(), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(e.getMessage()).contains("holds a restore that did not finish", "Start the old image");
        verify(runner, never()).run(any());
    }

    @Test
    void postUpgradeWithEqualVersionsRefusesAPartialRestoreTargetWhenNoRestoreIsRecorded() throws IOException {
        partialRestoreTarget();
        state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
        DoguVersion v = DoguVersion.parse("17.6-0");

        UpgradeException e = catchThrowableOfType(() -> new PostUpgradePhase(env).run(v, v), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(state.get(StateKeys.LOCAL_STATE)).as("nothing was changed").contains(StateKeys.UPGRADING);
    }

    @Test
    void postUpgradeWithEqualVersionsLeavesARecordedRestoreFailure() {
        state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + REASON);
        state.set(StateKeys.MIGRATION_BACKUP_PATH, "/vol/backup/cluster-14.19-1.sql");
        DoguVersion v = DoguVersion.parse("17.6-0");

        new PostUpgradePhase(env).run(v, v);

        assertThat(state.get(StateKeys.LOCAL_STATE)).as("a start after it still ends at once")
                .contains(StateKeys.FAILED_PREFIX + REASON);
        verify(runner, never()).run(any());
    }

    @Test
    void retryRestoreIsRefusedWhileAnUpgradeRuns() {
        state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
        state.set(StateKeys.MIGRATION_BACKUP_PATH, "/vol/backup/cluster-14.19-1.sql");

        UpgradeException e = catchThrowableOfType(() -> new RetryRestorePhase(env).run(), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.UPGRADE_FAILED);
        assertThat(e.getMessage()).contains("retry-restore refused", "local_state=upgrading");
        assertThat(state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
    }

    @Test
    void retryRestoreAfterTheRestoreCompletedPointsToPostUpgradeAndKeepsTheFailure() {
        state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "Migration 03-x failed: boom.");

        UpgradeException e = catchThrowableOfType(() -> new RetryRestorePhase(env).run(), UpgradeException.class);

        assertThat(e.getMessage()).contains("no restore is pending", "Migration 03-x failed: boom.",
                "post-upgrade FROM TO again");
        assertThat(state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.FAILED_PREFIX + "Migration 03-x failed: boom.");
    }

    @Test
    void retryRestoreWithNothingRecordedDoesNothing() {
        new RetryRestorePhase(env).run();

        assertThat(state.snapshot()).isEmpty();
        verify(runner, never()).run(any());
    }

    @Test
    void retryRestoreRefusesAPartialRestoreTargetWhenNoRestoreIsRecorded() throws IOException {
        partialRestoreTarget();

        UpgradeException e = catchThrowableOfType(() -> new RetryRestorePhase(env).run(), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(new DataDirectory(pgdata).isRestoreTarget()).as("nothing was removed").isTrue();
    }

    @Test
    void abortRefusesAPartialRestoreOnTheSamePathWithNoOldClusterToBringBack() throws IOException {
        partialRestoreTarget();
        state.set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + REASON);
        state.set(StateKeys.MIGRATION_BACKUP_PATH, "/vol/backup/cluster-14.19-1.sql");

        UpgradeException e = catchThrowableOfType(() -> new AbortPhase(env).run(), UpgradeException.class);

        assertThat(e.getMessage()).contains("abort refused", "no old cluster to bring back",
                "dogu-upgrade retry-restore");
        assertThat(state.get(StateKeys.MIGRATION_BACKUP_PATH)).as("the restore stays recorded").isPresent();
        assertThat(new DataDirectory(pgdata).isRestoreTarget()).isTrue();
    }

    private void partialRestoreTarget() throws IOException {
        Files.createDirectories(pgdata.resolve("base/1"));
        Files.writeString(pgdata.resolve("PG_VERSION"), "17\n");
        Files.writeString(pgdata.resolve("base/1/1259"), "half a restore");
        Files.writeString(pgdata.resolve(DataDirectory.RESTORE_TARGET_MARKER), "initialized by dogu-upgrade\n");
    }
}
