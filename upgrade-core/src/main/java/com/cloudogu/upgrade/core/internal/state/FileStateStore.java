package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state store in one local file, for running outside a dogu (tests, other orchestrators).
 *
 * <p>Durability: every change rewrites the whole file through a temporary file in the same
 * directory that is fsynced, renamed over the old file atomically, and followed by an fsync of the
 * directory. A reader therefore sees the old or the new file, never a mix; a crash leaves at most
 * a stray temporary file, which is ignored. The format ({@link StateFileFormat}) carries a version
 * and a checksum; a damaged file is reported, never silently replaced by an empty one.
 *
 * <p>Concurrency: changes are read-modify-write under an exclusive OS lock on a sidecar file
 * {@code <name>.lock} (plus an in-process lock, because the OS lock is per process). OS locks are
 * released by the kernel when their process dies, so a crash never leaves a lock that blocks the
 * next run. The lock file is never deleted: deleting it while another process waits on it would
 * let two writers hold "the" lock on different files.
 *
 * <p>The state file, its lock file and temporary files are created with mode {@code 0600}.
 */
public final class FileStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileStateStore.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    /** The OS lock is held per process; threads of this process queue here first. */
    private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;

    /** @param file the state file; it need not exist yet (a missing file is an empty store) */
    public FileStateStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    /** @return the state file */
    public Path file() {
        return file;
    }

    @Override
    public Optional<String> get(String key) {
        // no lock needed: the file is only ever replaced whole, by rename
        return Optional.ofNullable(read().get(key));
    }

    /**
     * @return every key and value currently stored, sorted by key
     * @throws StateStoreException if the file cannot be read or is corrupted
     */
    public SortedMap<String, String> entries() {
        return read();
    }

    @Override
    public void set(String key, String value) {
        checkKey(key);
        if (value == null) {
            throw new StateStoreException("Cannot set state key '" + key + "' to null; remove it instead.");
        }
        update(key, entries -> entries.put(key, value));
    }

    @Override
    public void remove(String key) {
        checkKey(key);
        update(key, entries -> entries.remove(key));
    }

    @Override
    public String describe() {
        return "file:" + file;
    }

    private void update(String key, Consumer<SortedMap<String, String>> change) {
        ReentrantLock inProcess = IN_PROCESS_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        inProcess.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = openLockFile()) {
                channel.lock(); // released when the channel closes, or by the kernel if this process dies
                SortedMap<String, String> entries = read();
                Map<String, String> before = Map.copyOf(entries);
                change.accept(entries);
                if (!entries.equals(before)) {
                    write(StateFileFormat.encode(entries));
                }
            }
        } catch (StateStoreException e) {
            throw e;
        } catch (IOException e) {
            throw new StateStoreException("Could not update state key '" + key + "' in " + file + ": " + e
                    + ". Check that the directory exists and is writable.", e);
        } finally {
            inProcess.unlock();
        }
    }

    private FileChannel openLockFile() throws IOException {
        try {
            return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    OWNER_ONLY_ATTRIBUTE);
        } catch (AccessDeniedException e) {
            throw new StateStoreException("Cannot open the lock file " + lockFile + " of state file " + file
                    + ": permission denied. Run as the user that owns it.", e);
        }
    }

    private SortedMap<String, String> read() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (IOException e) {
            throw new StateStoreException("Could not read state file " + file + ": " + e
                    + ". Check that it is a readable file.", e);
        }
        return StateFileFormat.decode(content, file);
    }

    /** Replaces the file atomically and durably: temp file, fsync, rename, fsync of the directory. */
    private void write(byte[] content) throws IOException {
        Path dir = file.getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", OWNER_ONLY_ATTRIBUTE);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        // the rename is durable only once the directory entry is on disk
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
        LOG.debug("wrote state file {}", file);
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new StateStoreException("A state key must not be empty.");
        }
    }
}
