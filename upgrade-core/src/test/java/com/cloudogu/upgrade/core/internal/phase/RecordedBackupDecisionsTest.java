package com.cloudogu.upgrade.core.internal.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.backup.Checksums;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.format.BackupFormats;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.process.UserSwitch;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.state.FileStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the restore procedure decides from the recorded backup, without a server (the process runner is a
 * mock that would record a call): nothing recorded — nothing to restore and no format asked; recorded —
 * verified by the format its manifest records; a backup that fails verification is a recorded failure.
 */
class RecordedBackupDecisionsTest {

    @TempDir
    Path dir;

    private FileStateStore state;
    private final ProcessRunner runner = mock(ProcessRunner.class);
    private Path backupDir;
    private PhaseEnvironment env;

    @BeforeEach
    void environment() throws IOException {
        Path root = dir.toRealPath();
        backupDir = Files.createDirectories(root.resolve("volume/backup"));
        state = new FileStateStore(root.resolve("state.properties"));
        when(runner.userSwitch()).thenReturn(UserSwitch.forCurrentProcess());
        UpgradeSettings settings = UpgradeSettings.builder().dataDirectory(root.resolve("volume/17/docker"))
                .backupDirectory(backupDir).lockFile(root.resolve("dogu-upgrade.lock")).build();
        env = new PhaseEnvironment(settings, state, runner, new EventDispatcher(), List::of, () -> {
            throw new AssertionError("no backup rules expected");
        });
    }

    private RestoreProcedure procedure(Supplier<BackupFormats> formats) {
        return new RestoreProcedure(env, formats, new BackupVerifier(backupDir), new RestoreStep(state, env.events(), 1));
    }

    @Test
    void withoutARecordedBackupNothingIsRestoredAndNoFormatIsAsked() {
        Optional<RestoreProcedure.Verified> backup = procedure(() -> {
            throw new AssertionError("no format expected");
        }).verifyRecordedBackup();

        assertThat(backup).isEmpty();
    }

    @Test
    void aRecordedBackupIsVerifiedAndRestoredByTheFormatItsManifestRecords() throws IOException {
        Path backup = plainBackup("-- dump\n");
        state.set(StateKeys.MIGRATION_BACKUP_PATH, backup.toString());

        RestoreProcedure.Verified verified = procedure(env.backupFormats()).verifyRecordedBackup().orElseThrow();

        assertThat(verified.file()).isEqualTo(backup);
        assertThat(verified.manifest().from()).isEqualTo("14.19-1");
        assertThat(verified.format().manifestFormat()).isEqualTo(BackupManifest.FORMAT_PLAIN);
    }

    @Test
    void anAlteredBackupIsRefusedBeforeAnythingChanges() throws IOException {
        Path backup = plainBackup("-- dump\n");
        Files.writeString(backup, "-- DUMP\n");
        state.set(StateKeys.MIGRATION_BACKUP_PATH, backup.toString());

        UpgradeException e = catchThrowableOfType(() -> procedure(env.backupFormats()).verifyRecordedBackup(),
                UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).contains("(corrupted or altered). Nothing was changed; the old data is untouched.");
        verify(runner, never()).run(any());
    }

    @Test
    void startupRecordsARestoreThatFailedOnItsBackupSoTheNextStartEndsAtOnce() throws IOException {
        Path backup = plainBackup("-- dump\n");
        Files.writeString(backup, "-- cut");
        state.set(StateKeys.MIGRATION_BACKUP_PATH, backup.toString());

        UpgradeException e = catchThrowableOfType(() -> new StartupPhase(env).run(), UpgradeException.class);

        assertThat(e.getMessage()).contains("(truncated or altered)");
        assertThat(state.get(StateKeys.LOCAL_STATE)).contains(StateKeys.FAILED_PREFIX + e.getMessage());
        assertThat(state.get(StateKeys.MIGRATION_BACKUP_PATH)).as("kept for retry-restore").contains(backup.toString());
        verify(runner, never()).run(any());
        verify(runner, never()).start(any());
    }

    private Path plainBackup(String content) throws IOException {
        Path backup = Files.writeString(backupDir.resolve("cluster-14.19-1.sql"), content);
        new BackupManifest(Files.size(backup), Checksums.sha256(backup), "14.19-1", "17.6-0", 141900, "17.6",
                ClusterSettings.DEFAULT).write(BackupManifest.pathFor(backup));
        return backup;
    }
}
