package com.cloudogu.upgrade.core.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Pushes a file's content, or a directory's entries, to disk. A rename is only durable once the
 * directory holding it is synced, so every "write, sync, rename, sync the directory" step uses these.
 */
public final class Durable {

    private Durable() {
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
