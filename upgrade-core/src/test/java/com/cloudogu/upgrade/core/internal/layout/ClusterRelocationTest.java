package com.cloudogu.upgrade.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterRelocationTest {

    private static final ServerOwner OWNER = new ServerOwner("postgres", false);

    @TempDir
    Path volume;

    @Test
    void theLegacyRootMovesBelowTheVolumeAndLeavesWhatIsNotTheClusters() throws Exception {
        VolumeFixture.cluster(volume, "14");
        Files.createDirectories(volume.resolve("backup"));
        Files.writeString(volume.resolve("operator-notes.txt"), "mine");
        List<String> before = VolumeFixture.files(volume).stream().filter(f -> !f.startsWith("backup")
                && !f.equals("operator-notes.txt")).toList();
        Path pgdata = volume.resolve("14/docker");
        ClusterRelocation relocation = new ClusterRelocation(volume, pgdata, OWNER);
        assertThat(relocation.pending()).isTrue();

        relocation.run();

        assertThat(VolumeFixture.files(pgdata)).isEqualTo(before);
        assertThat(Files.readString(volume.resolve("operator-notes.txt"))).isEqualTo("mine");
        assertThat(volume.resolve("backup")).isDirectory();
        assertThat(volume.resolve("PG_VERSION")).doesNotExist();
        assertThat(relocation.pending()).isFalse();
    }

    @Test
    void aMoveInterruptedAfterAnyEntryIsFinishedByARerunOrUndoneByAbort() throws Exception {
        for (int cut = 1; cut < VolumeFixture.CLUSTER.size(); cut++) {
            Path v = Files.createDirectories(volume.resolve("cut-" + cut));
            VolumeFixture.cluster(v, "14");
            List<String> original = VolumeFixture.files(v);
            Path pgdata = v.resolve("14/docker");
            interruptedAfter(v, pgdata, cut);
            assertThat(v.resolve("PG_VERSION")).as("PG_VERSION moves last").exists();
            assertThat(pgdata.resolve("PG_VERSION")).doesNotExist();

            Path copy = Files.createDirectories(volume.resolve("undo-" + cut));
            VolumeFixture.cluster(copy, "14");
            interruptedAfter(copy, copy.resolve("14/docker"), cut);
            new ClusterRelocation(copy, copy.resolve("14/docker"), OWNER).undo();
            assertThat(VolumeFixture.files(copy)).as("undone after " + cut + " entries").isEqualTo(original);
            assertThat(copy.resolve("14")).doesNotExist();

            ClusterRelocation rerun = new ClusterRelocation(v, pgdata, OWNER);
            assertThat(rerun.pending()).isTrue();
            rerun.run();
            assertThat(VolumeFixture.files(pgdata)).as("finished after " + cut + " entries").isEqualTo(original);
        }
    }

    @Test
    void aSiblingIsRenamedAndRenamedBack() throws Exception {
        Path old = volume.resolve("14/docker");
        VolumeFixture.cluster(old, "14");
        Path pgdata = volume.resolve("data");
        new ClusterRelocation(old, pgdata, OWNER).run();
        assertThat(pgdata.resolve("PG_VERSION")).exists();
        assertThat(old).doesNotExist();
        new ClusterRelocation(old, pgdata, OWNER).undo();
        assertThat(old.resolve("PG_VERSION")).exists();
    }

    @Test
    void anEntryAlreadyAtTheTargetIsNeverOverwritten() throws Exception {
        VolumeFixture.cluster(volume, "14");
        Path pgdata = Files.createDirectories(volume.resolve("14/docker"));
        Files.writeString(pgdata.resolve("postgresql.conf"), "someone else's");
        assertThatThrownBy(() -> new ClusterRelocation(volume, pgdata, OWNER).run())
                .isInstanceOf(UpgradeException.class).hasMessageContaining("postgresql.conf already exists");
        assertThat(Files.readString(pgdata.resolve("postgresql.conf"))).isEqualTo("someone else's");
        assertThat(volume.resolve("PG_VERSION")).exists();
    }

    /** Moves the first {@code n} entries after PG_VERSION, as a run killed there would have left them. */
    private static void interruptedAfter(Path from, Path to, int n) throws Exception {
        NewDataDirectory.ensure(to, OWNER);
        List<Path> entries = ClusterEntries.of(from);
        for (Path e : entries.subList(1, Math.min(entries.size(), 1 + n))) {
            Files.move(e, to.resolve(e.getFileName().toString()));
        }
    }
}
