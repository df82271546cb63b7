package com.cloudogu.upgrade.testkit.volume;

import com.cloudogu.upgrade.testkit.FileTrees;
import com.cloudogu.upgrade.testkit.OsUser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An XFS file system with reflink, loop-mounted from a sparse image file: the file system on which
 * {@code pg_upgrade --clone} works (ext4, where the tests' temporary directories usually are, has no
 * reflink). Made with {@code mkfs.xfs -m reflink=1}, mounted with {@code mount -o loop}, readable and
 * enterable by everyone so the server's OS user can reach directories under it.
 *
 * <p>Needs root, {@code mkfs.xfs} (Debian package {@code xfsprogs}, which {@code .ci/run} installs)
 * and a free loop device. Without them {@link #create} throws with a message naming what is missing:
 * a test of clone mode fails rather than skipping silently. Loop devices are few, so close the volume
 * in a {@code finally} or try-with-resources: {@link #close} unmounts (which frees the loop device
 * {@code mount -o loop} took) and deletes the image, also after a failed test.
 */
public final class XfsVolume implements AutoCloseable {

    /** A size for tests with scale-1 data: the image is sparse and costs only what is written. */
    public static final long DEFAULT_SIZE = 1L << 30;
    private static final long TIMEOUT_SECONDS = 120;

    private final Path directory;
    private final Path image;
    private final Path mountPoint;
    private boolean mounted;

    private XfsVolume(Path directory) {
        this.directory = directory;
        this.image = directory.resolve("xfs.img");
        this.mountPoint = directory.resolve("mnt");
    }

    /**
     * @param directory a directory that does not exist yet; the image file and the mount point go there
     * @return a mounted XFS volume of {@link #DEFAULT_SIZE}
     * @throws IOException if the volume cannot be made or mounted (the message says why and what to do)
     */
    public static XfsVolume create(Path directory) throws IOException {
        return create(directory, DEFAULT_SIZE);
    }

    /**
     * @param directory a directory that does not exist yet; the image file and the mount point go there
     * @param sizeBytes the file system's size (the image is sparse)
     * @return a mounted XFS volume
     * @throws IOException if the volume cannot be made or mounted (the message says why and what to do)
     */
    public static XfsVolume create(Path directory, long sizeBytes) throws IOException {
        if (!OsUser.isRoot()) {
            throw new IOException("An XFS loop volume needs root (mount -o loop); running as "
                    + OsUser.currentUser() + ". Run the tests as root, as CI does.");
        }
        XfsVolume volume = new XfsVolume(directory.toAbsolutePath());
        try {
            volume.make(sizeBytes);
            return volume;
        } catch (IOException | RuntimeException e) {
            volume.close();
            throw e;
        }
    }

    private void make(long sizeBytes) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(sizeBytes);
        }
        run(List.of("mkfs.xfs", "-q", "-m", "reflink=1", image.toString()),
                "Install xfsprogs (apt-get install xfsprogs; .ci/run does).");
        Files.createDirectories(mountPoint);
        run(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()),
                "A free loop device is needed (losetup -f shows one; losetup -D frees leftovers, modprobe loop adds"
                        + " the driver); in a container, run it privileged.");
        mounted = true;
        Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** @return the mounted file system's root: put the dogu's volume (or any test data) under it */
    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * Unmounts (freeing the loop device) and deletes the image and the mount point. Safe to call twice.
     *
     * @throws IOException if the file system cannot be unmounted (the loop device stays taken then)
     */
    @Override
    public synchronized void close() throws IOException { // a shutdown hook may close it too
        if (mounted) {
            Result r = exec(List.of("umount", mountPoint.toString()));
            if (r.exit != 0) {
                // Something (a server that a failed test left behind) still holds a file: detach lazily,
                // which frees the loop device once the last holder is gone.
                Result lazy = exec(List.of("umount", "-l", mountPoint.toString()));
                if (lazy.exit != 0) {
                    throw new IOException("Cannot unmount the XFS test volume " + mountPoint + ": " + r.output
                            + " / " + lazy.output + "; unmount it by hand (umount " + mountPoint + ").");
                }
            }
            mounted = false;
        }
        FileTrees.deleteRecursively(directory);
    }

    private static void run(List<String> command, String hint) throws IOException {
        Result r = exec(command);
        if (r.exit != 0) {
            throw new IOException("Cannot make the XFS test volume: " + String.join(" ", command) + " exited with "
                    + r.exit + ": " + r.output.strip() + ". " + hint);
        }
    }

    private record Result(int exit, String output) {}

    private static Result exec(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // mkfs.xfs and mount live in /sbin or /usr/sbin, which a non-login PATH may lack
        pb.environment().merge("PATH", "/usr/sbin:/sbin", (a, b) -> a + ":" + b);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, command.get(0) + " not found (" + e.getMessage() + ")");
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    @Override
    public String toString() {
        return "XFS volume " + mountPoint + " (image " + image + ")";
    }
}
