package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the end of {@code psql} or {@code pg_restore} is judged, the same for every format. */
class RestoreToolsTest {

    private static final Path BACKUP = Path.of("/vol/backup/cluster-14.19-1.d");

    @Test
    void aFullDiskSaysHowMuchSpaceIsNeededAndWhatToRunNext() {
        UpgradeException e = judge(1, "pg_restore: error: could not extend file: No space left on device");

        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
        assertThat(e.getMessage()).startsWith("The restore of " + BACKUP + " ran out of space in PGDATA; about ")
                .endsWith(" are needed. Free space, then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort');"
                        + " the backup and the old cluster are kept.");
    }

    @Test
    void aKilledProgramIsAnInterruptionNotAFailure() {
        UpgradeException e = judge(137, "");

        assertThat(e).isInstanceOf(RestoreInterruptedException.class);
        assertThat(e.getMessage()).startsWith("Restoring database 'shop' from " + BACKUP
                + " was interrupted (pg_restore exit 137)").endsWith("the next start restores again from a fresh cluster.");
    }

    @Test
    void anErrorStopsTheRestoreWithTheFirstErrorLine() {
        UpgradeException e = judge(1, "pg_restore: error: could not execute query: ERROR:  relation \"lookup\" does"
                + " not exist.");

        assertThat(e).isNotInstanceOf(RestoreInterruptedException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(e.getMessage()).startsWith("Restoring database 'shop' from " + BACKUP
                + " stopped at the first error (pg_restore exit 1): ").contains("relation \"lookup\" does not exist")
                .endsWith(". The backup and the old cluster are kept.");
    }

    @Test
    void successIsSilent() {
        assertThatNoException().isThrownBy(() -> RestoreTools.requireSucceeded(
                new ProcessResult(0, "", "", Duration.ZERO), "Restoring x", "psql", BACKUP, 1));
    }

    private static UpgradeException judge(int exit, String stderr) {
        return catchThrowableOfType(() -> RestoreTools.requireSucceeded(new ProcessResult(exit, "", stderr,
                Duration.ZERO), "Restoring database 'shop' from " + BACKUP, "pg_restore", BACKUP, 1 << 20),
                UpgradeException.class);
    }
}
