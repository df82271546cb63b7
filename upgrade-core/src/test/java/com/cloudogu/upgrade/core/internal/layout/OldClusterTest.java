package com.cloudogu.upgrade.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where pre-upgrade saw the old cluster, as the manifest carries it to the new container. */
class OldClusterTest {

    @TempDir
    Path volume;

    @Test
    void aDirectoryWithPgVersionIsAClusterOfThatMajorWithItsOwner() throws IOException {
        VolumeFixture.cluster(volume, "9.6");

        Optional<OldCluster> old = OldCluster.inspect(volume);

        assertThat(old).hasValueSatisfying(o -> {
            assertThat(o.path()).isEqualTo(volume.toAbsolutePath().normalize());
            assertThat(o.major()).isEqualTo("9.6");
            assertThat(o.owner()).isNotBlank();
        });
    }

    @Test
    void aDirectoryWithoutPgVersionIsNoCluster() throws IOException {
        Files.writeString(volume.resolve("postgresql.conf"), "");

        assertThat(OldCluster.inspect(volume)).isEmpty();
    }

    @Test
    void itsPropertiesReadBackEqualAndAManifestWithoutThemNamesNone() {
        OldCluster old = new OldCluster(Path.of("/var/lib/postgresql/./14/docker"), "14", "postgres");
        Properties p = new Properties();

        old.writeTo(p);

        assertThat(OldCluster.readFrom(p)).contains(old);
        assertThat(old.path()).isEqualTo(Path.of("/var/lib/postgresql/14/docker"));
        assertThat(OldCluster.readFrom(new Properties())).isEmpty();
    }

    @Test
    void itsRelationToTheNewPgdataDecidesHowItIsTakenBack() {
        OldCluster legacy = new OldCluster(Path.of("/var/lib/postgresql"), "14", "postgres");

        assertThat(legacy.relationTo(Path.of("/var/lib/postgresql/17/docker"))).isEqualTo(ClusterRelation.ANCESTOR);
    }
}
