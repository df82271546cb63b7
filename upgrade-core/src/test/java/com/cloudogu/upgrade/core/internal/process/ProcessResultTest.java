package com.cloudogu.upgrade.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.restore.RestoreInterruptedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A restore program that ended by an error of its own is a failure; one that was killed, or lost its server, is not. */
class ProcessResultTest {

    @Test
    void anErrorInTheBackupIsAFailure() {
        assertThat(result(3, "psql:<stdin>:40: ERROR:  extension \"dogu_demo\" is not available").interrupted())
                .isFalse();
        assertThat(result(1, "pg_restore: error: could not execute query: ERROR:  relation \"x\" does not exist")
                .interrupted()).isFalse();
    }

    @Test
    void aSignalIsAnInterruption() {
        assertThat(result(137, "").interrupted()).isTrue();
        assertThat(result(143, "").interrupted()).isTrue();
    }

    @Test
    void aLostServerIsAnInterruption() {
        assertThat(result(2, "psql:<stdin>:812: server closed the connection unexpectedly\n"
                + "\tThis probably means the server terminated abnormally").interrupted()).isTrue();
        assertThat(result(1, "pg_restore: error: could not execute query: FATAL:  terminating connection due to"
                + " administrator command").interrupted()).isTrue();
    }

    @Test
    void anInterruptionIsFoundBehindTheMigrationThatWrappedIt() {
        UpgradeException wrapped = new UpgradeException(ErrorCode.RESTORE_FAILED, "Migration 01-restore failed: x",
                new RestoreInterruptedException("Restoring x was interrupted"));

        assertThat(RestoreInterruptedException.isCauseOf(wrapped)).isTrue();
        assertThat(RestoreInterruptedException.isCauseOf(new UpgradeException(ErrorCode.RESTORE_FAILED, "x"))).isFalse();
    }

    @Test
    void aFullDiskIsTellingOnlyWhenTheCommandFailed() {
        assertThat(result(1, "pg_dump: error: could not write: No space left on device").ranOutOfSpace()).isTrue();
        assertThat(result(0, "warning: No space left on device, retried").ranOutOfSpace()).isFalse();
        assertThat(result(1, "ERROR: relation \"x\" does not exist").ranOutOfSpace()).isFalse();
    }

    private static ProcessResult result(int exit, String stderr) {
        return new ProcessResult(exit, "", stderr, Duration.ZERO, "");
    }
}
