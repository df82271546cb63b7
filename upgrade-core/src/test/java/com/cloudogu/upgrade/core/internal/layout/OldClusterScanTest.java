package com.cloudogu.upgrade.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OldClusterScanTest {

    @TempDir
    Path volume;

    @Test
    void findsTheLegacyRootASiblingMajorAndTheDataDirectoryButNotPgdataItself() throws Exception {
        Path pgdata = volume.resolve("17/docker");
        VolumeFixture.cluster(pgdata, "17");
        assertThat(OldClusterScan.around(pgdata, Optional.empty())).isEmpty();
        VolumeFixture.cluster(volume.resolve("14/docker"), "14");
        VolumeFixture.cluster(volume.resolve("data"), "12");
        Files.writeString(volume.resolve("PG_VERSION"), "9.6\n");
        assertThat(OldClusterScan.around(pgdata, Optional.empty()))
                .containsExactlyInAnyOrder(volume, volume.resolve("14/docker"), volume.resolve("data"));
    }

    @Test
    void aKeptClusterIsNotWhereImagesLook() throws Exception {
        Path pgdata = volume.resolve("17/docker");
        VolumeFixture.cluster(volume.resolve("14/docker.previous-14"), "14");
        VolumeFixture.cluster(volume.resolve("previous-14"), "14");
        assertThat(OldClusterScan.around(pgdata, Optional.empty())).isEmpty();
    }

    @Test
    void theRecordedOldClusterCountsWherEverItIs() throws Exception {
        Path elsewhere = volume.resolve("custom/place");
        VolumeFixture.cluster(elsewhere, "14");
        assertThat(OldClusterScan.around(volume.resolve("17/docker"), Optional.of(elsewhere))).containsExactly(elsewhere);
    }
}
