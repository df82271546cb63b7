package com.cloudogu.upgrade.core.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pushes a file's content, or a directory's entries, to disk. A rename is only durable once the
 * directory holding it is synced, so every "write, sync, rename, sync the directory" step uses these.
 */
public final class Durable {

    /** fsyncs in flight at once: enough to share journal commits, few enough for any volume. */
    private static final int CONCURRENT_SYNCS = 8;

    private Durable() {
    }

    /**
     * Syncs many files, several at once: concurrent fsyncs share the file system's journal commits
     * (ext4, XFS), which made a few hundred small files about four times faster than one after the
     * other here.
     *
     * @param files regular files
     * @throws IOException the first file that cannot be synced
     */
    public static void syncFiles(List<Path> files) throws IOException {
        if (files.size() < 2) {
            for (Path f : files) {
                syncFile(f);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(CONCURRENT_SYNCS, files.size()), r -> {
            Thread t = new Thread(r, "dogu-upgrade-fsync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> syncs = new ArrayList<>();
            for (Path f : files) {
                syncs.add(pool.submit(() -> {
                    syncFile(f);
                    return null;
                }));
            }
            for (Future<?> sync : syncs) {
                sync.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while syncing files");
        } finally {
            pool.shutdownNow();
        }
    }

    /** @param file a regular file @throws IOException if it cannot be synced */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /** @param dir a directory whose entries changed (null: nothing to do) @throws IOException if it cannot be synced */
    public static void syncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
