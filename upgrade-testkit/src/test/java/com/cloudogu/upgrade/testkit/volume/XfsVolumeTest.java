package com.cloudogu.upgrade.testkit.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XFS loop volume is really XFS with reflink (a clone shares its extents), and closing it unmounts
 * it and deletes the image. Needs root and a loop device (CI has both); fails otherwise, on purpose.
 */
class XfsVolumeTest {

    @Test
    void mountsAnXfsFileSystemThatClonesAndReleasesItOnClose(@TempDir Path temp) throws Exception {
        Path mountPoint;
        try (XfsVolume volume = XfsVolume.create(temp.resolve("xfs"))) {
            mountPoint = volume.mountPoint();
            assertThat(run("stat", "-f", "-c", "%T", mountPoint.toString())).isEqualTo("xfs");
            Path file = Files.write(mountPoint.resolve("a"), new byte[1 << 20]);
            assertThat(run("cp", "--reflink=always", file.toString(), mountPoint.resolve("b").toString()))
                    .as("a reflink copy (what pg_upgrade --clone does) works").isEmpty();
            assertThat(mounts()).contains(" " + mountPoint + " ");
        }
        assertThat(mounts()).as("unmounted on close").doesNotContain(" " + mountPoint + " ");
        assertThat(temp.resolve("xfs")).as("image and mount point deleted").doesNotExist();
    }

    private static String mounts() throws Exception {
        return Files.readString(Path.of("/proc/mounts"));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
