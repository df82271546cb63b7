package com.cloudogu.upgrade.core.internal.lock;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Only one phase that changes the cluster runs at a time. The lock is an OS file lock
 * ({@code fcntl}) on a file outside the data volume: the kernel releases it when the holder dies,
 * so a crashed run never blocks the next one (the shell version's leftover lock file did).
 */
public final class PhaseLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private PhaseLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param file the lock file (created if missing; its content is irrelevant)
     * @param phase the phase taking it, for the message
     * @return the held lock
     * @throws UpgradeException with {@link ErrorCode#LOCKED} at once if another process holds it
     */
    public static PhaseLock acquire(Path file, String phase) {
        FileChannel channel = null;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw locked(file, phase);
            }
            return new PhaseLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw locked(file, phase);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UpgradeException(ErrorCode.LOCKED, "Cannot open the lock file " + file + " (" + e.getMessage()
                    + "). Set DOGU_UPGRADE_LOCK_FILE to a writable path outside the data volume.", e);
        }
    }

    private static UpgradeException locked(Path file, String phase) {
        return new UpgradeException(ErrorCode.LOCKED, "Another dogu-upgrade phase is running (lock " + file
                + " is held); " + phase + " did not start. Wait for it to finish, then retry.");
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // released by close below anyway
        }
        closeQuietly(channel);
    }
}
