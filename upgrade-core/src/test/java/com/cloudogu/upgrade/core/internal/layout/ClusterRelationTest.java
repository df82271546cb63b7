package com.cloudogu.upgrade.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterRelationTest {

    private static final Path VOLUME = Path.of("/var/lib/postgresql");

    @Test
    void aMinorUpgradeKeepsThePath() {
        assertThat(ClusterRelation.of(VOLUME.resolve("14/docker"), VOLUME.resolve("14/docker/")))
                .isEqualTo(ClusterRelation.SAME_PATH);
    }

    @Test
    void perMajorDirectoriesAreSiblings() {
        assertThat(ClusterRelation.of(VOLUME.resolve("14/docker"), VOLUME.resolve("17/docker")))
                .isEqualTo(ClusterRelation.SIBLING);
    }

    @Test
    void theLegacyVolumeRootIsAnAncestorOfThePerMajorPgdata() {
        assertThat(ClusterRelation.of(VOLUME, VOLUME.resolve("17/docker"))).isEqualTo(ClusterRelation.ANCESTOR);
        assertThat(ClusterRelation.of(VOLUME.resolve("14/../"), VOLUME.resolve("17/docker")))
                .as("normalized").isEqualTo(ClusterRelation.ANCESTOR);
    }

    @Test
    void aPgdataAboveTheOldClusterIsRefusedWithBothPaths() {
        assertThatThrownBy(() -> ClusterRelation.of(VOLUME.resolve("14/docker"), VOLUME))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining(VOLUME + " contains the old cluster's directory " + VOLUME.resolve("14/docker"));
    }

    @Test
    void aPrefixOfANameIsNoAncestor() {
        assertThat(ClusterRelation.of(Path.of("/var/lib/postgres"), VOLUME.resolve("17/docker")))
                .isEqualTo(ClusterRelation.SIBLING);
    }
}
