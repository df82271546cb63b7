package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a restore target this tool initialized for this image's major is ever discarded; any other
 * cluster is moved aside, never deleted, and a directory that is no cluster is refused. initdb is a mock.
 */
class RestoreTargetTest {

    @TempDir
    Path volume;

    private Path pgdata;

    private final ServerOwner owner = new ServerOwner("postgres", false);
    private final ClusterInitializer initdb = mock(ClusterInitializer.class);

    @BeforeEach
    void pgdata() throws IOException {
        pgdata = Files.createDirectories(volume.resolve("docker"));
    }

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

    @Test
    void anOldClusterIsMovedAsideNextToPgdataAndPgdataLeftEmpty() throws IOException {
        cluster("14", false);

        Optional<Path> aside = new RestoreTarget(new DataDirectory(pgdata), 17, owner).moveOldClusterAside();

        assertThat(aside).contains(volume.resolve("docker.previous-14"));
        assertThat(volume.resolve("docker.previous-14/base/1/1259")).hasContent("data");
        assertThat(entries()).isZero();
    }

    @Test
    void aSecondOldClusterOfTheSameMajorGetsANumberedPlaceInsteadOfReplacingTheFirst() throws IOException {
        Files.createDirectories(volume.resolve("docker.previous-14"));
        cluster("14", false);

        Optional<Path> aside = new RestoreTarget(new DataDirectory(pgdata), 17, owner).moveOldClusterAside();

        assertThat(aside).contains(volume.resolve("docker.previous-14-2"));
    }

    @Test
    void nothingIsMovedAsideWhenPgdataIsEmptyOrOurOwnTarget() throws IOException {
        RestoreTarget target = new RestoreTarget(new DataDirectory(pgdata), 17, owner);
        assertThat(target.moveOldClusterAside()).isEmpty();

        cluster("17", true);

        assertThat(target.moveOldClusterAside()).isEmpty();
        assertThat(pgdata.resolve("base/1/1259")).exists();
    }

    @Test
    void recreatingOverAnOldClusterMovesItAsideThenInitializesAndMarksTheTarget() throws IOException {
        cluster("14", false);
        ClusterSettings latin1 = new ClusterSettings("LATIN1", "de_DE", "de_DE", true);

        new RestoreTarget(new DataDirectory(pgdata), 17, owner).recreate(initdb, latin1, "postgres",
                Optional.of("secret"));

        verify(initdb).initialize(new DataDirectory(pgdata), latin1, "postgres", Optional.of("secret"));
        assertThat(volume.resolve("docker.previous-14/PG_VERSION")).exists();
        assertThat(new DataDirectory(pgdata).isRestoreTarget()).isTrue();
    }

    @Test
    void recreatingOverAPartialTargetWipesItBeforeInitdb() throws IOException {
        cluster("17", true);
        doAnswer(call -> {
            assertThat(entries()).as("PGDATA is empty when initdb runs").isZero();
            return null;
        }).when(initdb).initialize(any(), any(), any(), any());

        new RestoreTarget(new DataDirectory(pgdata), 17, owner).recreate(initdb, ClusterSettings.DEFAULT, "postgres",
                Optional.empty());

        verify(initdb).initialize(any(), any(), any(), any());
        assertThat(new DataDirectory(pgdata).isRestoreTarget()).isTrue();
    }

    @Test
    void recreatingOverFilesThatAreNoClusterIsRefusedAndInitdbNeverRuns() throws IOException {
        Files.writeString(pgdata.resolve("notes.txt"), "not a cluster");

        UpgradeException e = catchThrowableOfType(() -> new RestoreTarget(new DataDirectory(pgdata), 17, owner)
                .recreate(initdb, ClusterSettings.DEFAULT, "postgres", Optional.empty()), UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(e.getMessage()).contains("PGDATA " + pgdata + " is not empty but holds no PostgreSQL cluster");
        verify(initdb, never()).initialize(any(), any(), any(), any());
        assertThat(pgdata.resolve("notes.txt")).exists();
    }

    @Test
    void aPromotedTargetIsNeverDiscardedAgain() throws IOException {
        cluster("17", true);
        RestoreTarget target = new RestoreTarget(new DataDirectory(pgdata), 17, owner);

        target.promote();

        assertThat(target.discardPartial()).isFalse();
        assertThat(pgdata.resolve("base/1/1259")).exists();
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
