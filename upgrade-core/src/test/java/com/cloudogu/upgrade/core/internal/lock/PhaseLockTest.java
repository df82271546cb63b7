package com.cloudogu.upgrade.core.internal.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One phase at a time: a second one is refused at once with DU-LOCKED, and a released lock can be taken again. */
class PhaseLockTest {

    @TempDir
    Path dir;

    @Test
    void theLockFileAndItsDirectoryAreCreatedWhenMissing() {
        Path file = dir.resolve("run/dogu-upgrade.lock");

        try (PhaseLock lock = PhaseLock.acquire(file, "startup")) {
            assertThat(file).exists();
        }
    }

    @Test
    void aSecondPhaseIsRefusedAtOnceNamingTheLockAndWhatToDo() {
        Path file = dir.resolve("dogu-upgrade.lock");

        try (PhaseLock held = PhaseLock.acquire(file, "post-upgrade")) {
            UpgradeException e = catchThrowableOfType(() -> PhaseLock.acquire(file, "startup"), UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
            assertThat(e.getMessage()).contains("lock " + file + " is held", "startup did not start",
                    "Wait for it to finish");
        }
    }

    @Test
    void aReleasedLockCanBeTakenAgain() {
        Path file = dir.resolve("dogu-upgrade.lock");
        PhaseLock.acquire(file, "post-upgrade").close();

        try (PhaseLock again = PhaseLock.acquire(file, "startup")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aLockFileThatCannotBeOpenedNamesTheSettingToChange() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");

        UpgradeException e = catchThrowableOfType(() -> PhaseLock.acquire(notADirectory.resolve("dogu-upgrade.lock"),
                "startup"), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
        assertThat(e.getMessage()).contains("Cannot open the lock file", "DOGU_UPGRADE_LOCK_FILE");
    }
}
