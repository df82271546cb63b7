package com.cloudogu.upgrade.core.internal.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Hashes a file while another program appends to it ({@code pg_dumpall -f}), and pushes what is
 * written to disk every few hundred MiB, so that neither the SHA-256 pass nor the final fsync is
 * left for after the dump. The digest is only a shortcut: if the file is not exactly what was read
 * (another size), {@link #finish()} returns empty and the caller hashes the file again; and post-upgrade
 * verifies the backup by reading it in full anyway, so a wrong digest can only fail an upgrade, never
 * let a changed backup through.
 */
final class GrowingFileDigest implements AutoCloseable {

    private static final long FLUSH_EVERY = 256L << 20;

    private final Path file;
    private final Thread thread;
    private final MessageDigest digest;
    private volatile boolean writerDone;
    private volatile boolean stop;
    private volatile IOException failure;
    private long read;

    private GrowingFileDigest(Path file) {
        this.file = file;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        this.thread = new Thread(this::follow, "dogu-upgrade-dump-sha256");
        thread.setDaemon(true);
    }

    /** @param file the file being written (it may not exist yet) @return a running digest */
    static GrowingFileDigest follow(Path file) {
        GrowingFileDigest d = new GrowingFileDigest(file);
        d.thread.start();
        return d;
    }

    private void follow() {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        FileChannel channel = null;
        long sinceFlush = 0;
        try {
            while (!stop) {
                if (channel == null) {
                    try {
                        channel = FileChannel.open(file, StandardOpenOption.READ);
                    } catch (NoSuchFileException e) {
                        if (writerDone) {
                            return;
                        }
                        Thread.sleep(20);
                        continue;
                    }
                }
                boolean done = writerDone; // read before the data: after it, everything is written
                buffer.clear();
                int n = channel.read(buffer, read);
                if (n > 0) {
                    digest.update(buffer.array(), 0, n);
                    read += n;
                    sinceFlush += n;
                    if (sinceFlush >= FLUSH_EVERY) {
                        channel.force(false);
                        sinceFlush = 0;
                    }
                } else if (done) {
                    return;
                } else {
                    Thread.sleep(20);
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    /**
     * Call after the writer exited.
     *
     * @return the file's hex SHA-256, or empty if it cannot be trusted (read error, or the file is
     *     not exactly the bytes that were hashed)
     */
    Optional<String> finish() throws IOException {
        writerDone = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (failure != null || !Files.isRegularFile(file) || Files.size(file) != read) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    @Override
    public void close() {
        stop = true;
        writerDone = true;
    }
}
