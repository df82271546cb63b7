package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only a restore target this tool initialized for this image's major is ever discarded. */
class RestoreTargetTest {

    @TempDir
    Path pgdata;

    private final ServerOwner owner = new ServerOwner("postgres", false);

    @Test
    void aPartialRestoreTargetOfThisMajorIsDiscardedDownToAnEmptyDirectory() throws IOException {
        cluster("17", true);

        assertThat(new RestoreTarget(new DataDirectory(pgdata), 17, owner).discardPartial()).isTrue();

        assertThat(entries()).isZero();
        assertThat(pgdata).isDirectory();
    }

    @Test
    void aClusterWithoutTheMarkerIsNeverTouched() throws IOException {
        cluster("17", false);

        assertThat(new RestoreTarget(new DataDirectory(pgdata), 17, owner).discardPartial()).isFalse();

        assertThat(pgdata.resolve("base/1/1259")).exists();
    }

    @Test
    void aRestoreTargetOfAnotherMajorIsNeverTouched() throws IOException {
        cluster("16", true);

        assertThat(new RestoreTarget(new DataDirectory(pgdata), 17, owner).discardPartial()).isFalse();

        assertThat(pgdata.resolve("base/1/1259")).exists();
    }

    @Test
    void aDiscardInterruptedAfterPgVersionIsFinished() throws IOException {
        cluster("17", true);
        Files.delete(pgdata.resolve("PG_VERSION")); // PG_VERSION goes first, the marker last

        assertThat(new RestoreTarget(new DataDirectory(pgdata), 17, owner).discardPartial()).isTrue();

        assertThat(entries()).isZero();
    }

    private void cluster(String major, boolean marker) throws IOException {
        Files.createDirectories(pgdata.resolve("base/1"));
        Files.writeString(pgdata.resolve("PG_VERSION"), major + "\n");
        Files.writeString(pgdata.resolve("base/1/1259"), "data");
        if (marker) {
            Files.writeString(pgdata.resolve(DataDirectory.RESTORE_TARGET_MARKER), "initialized by dogu-upgrade\n");
        }
    }

    private long entries() throws IOException {
        try (Stream<Path> s = Files.list(pgdata)) {
            return s.count();
        }
    }
}
