package com.cloudogu.upgrade.core.internal.state;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link FileStateStoreTest}: waits until a start file exists, then sets
 * {@code <prefix>-0 .. <prefix>-(n-1)} in a file state store, so several processes write to one
 * file at the same time.
 */
public final class FileStateStoreWriterMain {

    private FileStateStoreWriterMain() {
    }

    /**
     * @param args state file, key prefix, number of keys, start file
     * @throws InterruptedException if interrupted while waiting for the start file
     */
    public static void main(String[] args) throws InterruptedException {
        FileStateStore store = new FileStateStore(Path.of(args[0]));
        Path startSignal = Path.of(args[3]);
        while (!Files.exists(startSignal)) {
            Thread.sleep(5);
        }
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            store.set(args[1] + "-" + i, "value " + i);
        }
    }
}
