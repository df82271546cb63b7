package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore is refused before it starts when the volume cannot take twice the dump plus a fresh
 * cluster; the space a partial restore target would give back counts as free. The free space is made
 * up ({@link RestoreSpace.FreeSpace}), so no disk is filled.
 */
class RestoreSpaceTest {

    private static final long MIB = 1L << 20;
    private static final long DUMP = 100 * MIB;
    private static final long NEEDED = 2 * DUMP + 64 * MIB;

    @TempDir
    Path volume;

    private final List<Path> asked = new ArrayList<>();

    @Test
    void theEstimateIsTwiceTheDumpPlus64MibForTheFreshCluster() {
        assertThat(RestoreSpace.estimate(0)).isEqualTo(64 * MIB);
        assertThat(RestoreSpace.estimate(DUMP)).isEqualTo(NEEDED);
    }

    @Test
    void exactlyTheEstimateIsEnough() throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("17/docker"));

        assertThatNoException().isThrownBy(() -> RestoreSpace.require(pgdata, DUMP, free(NEEDED)));
    }

    @Test
    void oneByteLessIsRefusedWithWhatIsNeededAndWhatToDo() throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("17/docker"));

        UpgradeException e = catchThrowableOfType(() -> RestoreSpace.require(pgdata, DUMP, free(NEEDED - 1)),
                UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
        assertThat(e.getMessage()).contains("Not enough space to restore into " + pgdata, "about 264.0 MiB needed",
                "twice the 100.0 MiB dump", "retry-restore", "the old cluster and the backup are untouched");
    }

    @Test
    void aPgdataThatDoesNotExistYetIsMeasuredOnItsParent() throws IOException {
        Path parent = Files.createDirectories(volume.resolve("17"));

        RestoreSpace.require(parent.resolve("docker"), DUMP, free(NEEDED));

        assertThat(asked).containsExactly(parent);
    }

    @Test
    void thePartialRestoreTargetThatWillBeWipedCountsAsFree() throws IOException {
        Path pgdata = partialRestoreTarget(10 * MIB);

        assertThatNoException().isThrownBy(() -> RestoreSpace.require(pgdata, DUMP, free(NEEDED - 10 * MIB)));
    }

    @Test
    void aClusterWithoutTheRestoreTargetMarkerDoesNotCountAsFree() throws IOException {
        Path pgdata = partialRestoreTarget(10 * MIB);
        Files.delete(pgdata.resolve(DataDirectory.RESTORE_TARGET_MARKER));

        UpgradeException e = catchThrowableOfType(() -> RestoreSpace.require(pgdata, DUMP, free(NEEDED - 10 * MIB)),
                UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
    }

    @Test
    void anUnreadableFileSystemIsADataDirectoryError() throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("17/docker"));

        UpgradeException e = catchThrowableOfType(() -> RestoreSpace.require(pgdata, DUMP, p -> {
            throw new IOException("stale NFS handle");
        }), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(e.getMessage()).contains("Cannot read the free space of " + pgdata, "stale NFS handle");
    }

    @Test
    void beforeTheImageSwitchTheSameEstimateIsRequiredOnTheOldVolume() {
        assertThatNoException().isThrownBy(() -> RestoreSpace.requireBeforeSwitch(volume, DUMP, free(NEEDED)));

        UpgradeException e = catchThrowableOfType(() -> RestoreSpace.requireBeforeSwitch(volume, DUMP,
                free(NEEDED - 1)), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
        assertThat(e.getMessage()).contains("The new container could not restore the backup",
                "on the volume of " + volume, "run pre-upgrade again", "nothing was recorded");
    }

    @Test
    void theRealFileSystemIsAskedInProduction() {
        // The volume of a test run has more than 64 MiB free; an empty dump needs only the fresh cluster.
        assertThatNoException().isThrownBy(() -> RestoreSpace.require(volume, 0));
    }

    private RestoreSpace.FreeSpace free(long bytes) {
        return p -> {
            asked.add(p);
            return bytes;
        };
    }

    private Path partialRestoreTarget(long bytes) throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("17/docker/base/1")).getParent().getParent();
        Files.writeString(pgdata.resolve("PG_VERSION"), "17\n");
        Files.write(pgdata.resolve("base/1/16384"), new byte[(int) bytes - 3]);
        Files.writeString(pgdata.resolve(DataDirectory.RESTORE_TARGET_MARKER), "");
        return pgdata;
    }
}
