package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.FilePermissions;
import com.cloudogu.upgrade.testkit.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of installations, each built at most once, safe across threads and JVMs.
 *
 * <p>An installation cannot be built in a staging directory and renamed afterwards, because its
 * patched programs name their own directory absolutely. So each build gets a directory of its own,
 * {@code <key>.<random>}, that it never leaves, and is published by atomically renaming a symbolic
 * link {@code <key> -> <key>.<random>} into place once its manifest is written. Readers follow the
 * link and see either nothing or a complete installation. A monitor (threads of this JVM) and a file
 * lock (other JVMs; alone it would throw {@code OverlappingFileLockException} within one JVM) make sure
 * only one builder runs per key; directories of builders that died are removed under that lock.
 */
final class InstallationCache {

    /** Builds an installation into a fresh directory; must write {@code marker} last. */
    interface Builder {
        void build(Path home) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(InstallationCache.class);
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path root;
    private final String marker;

    /**
     * @param root the directory holding the installations
     * @param marker the file name whose presence marks a complete installation
     */
    InstallationCache(Path root, String marker) {
        this.root = root.toAbsolutePath();
        this.marker = marker;
    }

    /** @return the published installation's real directory, or null if there is none yet */
    Path lookup(String key) throws IOException {
        Path link = root.resolve(key);
        if (Files.isSymbolicLink(link) && Files.isRegularFile(link.resolve(marker))) {
            return link.toRealPath();
        }
        return null;
    }

    /** @return the real directory of the installation {@code key}, built by {@code builder} if missing */
    @SuppressWarnings("try") // the lock is held, not used
    Path get(String key, Builder builder) throws IOException {
        Path found = lookup(key);
        if (found != null) {
            return found;
        }
        synchronized (MONITORS.computeIfAbsent(root.resolve(key), p -> new Object())) {
            createReadableDirectories(root);
            try (FileChannel channel = FileChannel.open(root.resolve("." + key + ".lock"), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                // Another thread or JVM may have published it while we waited.
                found = lookup(key);
                if (found != null) {
                    return found;
                }
                removeLeftovers(key);
                Path home = Files.createDirectory(root.resolve(key + "." + UUID.randomUUID()));
                try {
                    builder.build(home);
                    if (!Files.isRegularFile(home.resolve(marker))) {
                        throw new IOException("building " + key + " finished without writing " + marker);
                    }
                    publish(key, home);
                } catch (IOException | RuntimeException | Error e) {
                    FileTrees.deleteRecursively(home);
                    throw e;
                }
                return home.toRealPath();
            }
        }
    }

    private void publish(String key, Path home) throws IOException {
        Path link = root.resolve("." + key + ".link-" + UUID.randomUUID());
        Files.createSymbolicLink(link, home.getFileName()); // relative, so the cache root may be a symlink itself
        Files.move(link, root.resolve(key), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true); // the rename survives a crash
        }
    }

    // Only called under the lock: nobody else can be building, so unpublished directories are dead.
    private void removeLeftovers(String key) throws IOException {
        List<Path> dead = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(key + ".") || name.startsWith("." + key + ".link-")) {
                    dead.add(entry);
                }
            }
        }
        for (Path entry : dead) {
            LOG.info("Removing unfinished installation {}", entry);
            FileTrees.deleteRecursively(entry);
        }
    }

    static void createReadableDirectories(Path dir) throws IOException {
        FilePermissions.createReadableDirectories(dir);
    }
}
