package com.cloudogu.upgrade.core.internal.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.format.BackupFormat;
import com.cloudogu.upgrade.core.internal.restore.RestoreInterruptedException;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import com.cloudogu.upgrade.core.internal.state.FileStateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * The restore step without a server: it restores in the backup's format, promotes, and only then clears
 * the backup path; it reports as {@code 01-restore} as the built-in migration did; a failure keeps the
 * backup path, so the phase records it and the next start does not silently redo the restore.
 */
class RestoreStepTest {

    private static final Path BACKUP = Path.of("/vol/backup/cluster-14.19-1.sql");

    @TempDir
    Path dir;

    private FileStateStore state;
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final BackupFormat format = mock(BackupFormat.class);
    private final TemporaryServer server = mock(TemporaryServer.class);
    private final RestoreStep.Completion completion = mock(RestoreStep.Completion.class);
    private final BackupManifest manifest = new BackupManifest(4, "sha", "14.19-1", "17.6-0", 141900, "17.6",
            ClusterSettings.DEFAULT);
    private RestoreStep step;

    @BeforeEach
    void step() throws SQLException {
        state = new FileStateStore(dir.resolve("state.properties"));
        state.set(StateKeys.MIGRATION_BACKUP_PATH, BACKUP.toString());
        EventDispatcher dispatcher = new EventDispatcher();
        dispatcher.add(events::add);
        step = new RestoreStep(state, dispatcher, 1);
        when(server.connectableDatabases()).thenReturn(List.of());
    }

    private RestoreProcedure.Verified backup() {
        return new RestoreProcedure.Verified(BACKUP, manifest, format);
    }

    @Test
    void restoresInTheBackupsFormatPromotesThenClearsTheBackupPathAndReportsAs01Restore() throws Exception {
        Connection connection = mock(Connection.class);
        Statement statement = mock(Statement.class);
        when(server.connectableDatabases()).thenReturn(List.of("postgres", "shop"));
        when(server.connect(any())).thenReturn(connection);
        when(connection.createStatement()).thenReturn(statement);
        ResultSet relations = mock(ResultSet.class); // one table in each database
        when(statement.executeQuery(anyString())).thenReturn(relations);
        when(relations.next()).thenReturn(true, false, true, false);
        when(relations.getString(1)).thenReturn("public.t");
        when(relations.getLong(2)).thenReturn(1L);
        List<Optional<String>> pathWhenPromoted = new ArrayList<>();
        List<Optional<String>> pathWhenCleared = new ArrayList<>();
        RestoreStep.Completion recording = new RestoreStep.Completion() {
            @Override
            public void promote() {
                pathWhenPromoted.add(state.get(StateKeys.MIGRATION_BACKUP_PATH));
            }

            @Override
            public void afterCleared() {
                pathWhenCleared.add(state.get(StateKeys.MIGRATION_BACKUP_PATH));
            }
        };

        step.run(backup(), server, recording);

        verify(format).restore(BACKUP, manifest, server);
        verify(statement, times(2)).execute("ANALYZE public.t");
        assertThat(pathWhenPromoted).as("promoted while the restore is still pending").containsExactly(
                Optional.of(BACKUP.toString()));
        assertThat(pathWhenCleared).containsExactly(Optional.empty());
        assertThat(events).extracting(UpgradeEvent::type, UpgradeEvent::subject).containsExactly(
                tuple(UpgradeEvent.Type.MIGRATION_STARTED, "01-restore"),
                tuple(UpgradeEvent.Type.STEP, "upgrade-method"),
                tuple(UpgradeEvent.Type.STEP, "migration"),
                tuple(UpgradeEvent.Type.MIGRATION_FINISHED, "01-restore"));
        assertThat(events.get(0).message()).isEqualTo(RestoreStep.DESCRIPTION);
        assertThat(events.get(1).message()).as("which method carries the cluster over").startsWith("dump (");
        assertThat(events.get(2).message()).startsWith("statistics refreshed in every database in ");
    }

    @Test
    void aFailedRestoreKeepsTheBackupPathAndFailsAs01RestoreWithTheRestoresCode() {
        doThrow(new UpgradeException(ErrorCode.RESTORE_FAILED, "Restoring " + BACKUP + " stopped at the first error"
                + " (psql exit 3): psql:<stdin>:40: ERROR: extension \"dogu_demo\" is not available. The backup and the"
                + " old cluster are kept.")).when(format).restore(BACKUP, manifest, server);

        UpgradeException e = catchThrowableOfType(() -> step.run(backup(), server, completion), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).startsWith("Migration 01-restore failed: Restoring " + BACKUP
                + " stopped at the first error");
        assertThat(state.get(StateKeys.MIGRATION_BACKUP_PATH)).as("still pending: the failure gets recorded")
                .contains(BACKUP.toString());
        verifyNoInteractions(completion);
        assertThat(events).extracting(UpgradeEvent::type).containsExactly(UpgradeEvent.Type.MIGRATION_STARTED,
                UpgradeEvent.Type.STEP, UpgradeEvent.Type.MIGRATION_FAILED);
        assertThat(events.get(2).subject()).isEqualTo("01-restore");
        assertThat(events.get(2).message()).isEqualTo(e.getMessage());
    }

    @Test
    void anInterruptedRestoreStaysRecognisableAsAnInterruption() {
        doThrow(new RestoreInterruptedException("Restoring x was interrupted (psql exit 137)"))
                .when(format).restore(BACKUP, manifest, server);

        UpgradeException e = catchThrowableOfType(() -> step.run(backup(), server, completion), UpgradeException.class);

        assertThat(RestoreInterruptedException.isCauseOf(e)).isTrue();
        verify(completion, never()).promote();
    }

    @Test
    void anUnexpectedErrorAfterTheRestoreFailsAsAMigrationAndPromotesNothing() throws Exception {
        when(server.connectableDatabases()).thenThrow(new SQLException("connection refused"));

        UpgradeException e = catchThrowableOfType(() -> step.run(backup(), server, completion), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_FAILED);
        assertThat(e.getMessage()).isEqualTo("Migration 01-restore failed: Cannot list the databases to analyze: connection refused");
        verifyNoInteractions(completion);
        assertThat(state.get(StateKeys.MIGRATION_BACKUP_PATH)).contains(BACKUP.toString());
    }

    @Test
    void aFailureToPromoteKeepsTheBackupPath() {
        doThrow(new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot write the journal.")).when(completion).promote();

        UpgradeException e = catchThrowableOfType(() -> step.run(backup(), server, completion), UpgradeException.class);

        assertThat(e.getMessage()).isEqualTo("Migration 01-restore failed: Cannot write the journal.");
        assertThat(state.get(StateKeys.MIGRATION_BACKUP_PATH)).contains(BACKUP.toString());
        InOrder order = inOrder(format, completion);
        order.verify(format).restore(BACKUP, manifest, server);
        order.verify(completion).promote();
        verify(completion, never()).afterCleared();
    }
}
