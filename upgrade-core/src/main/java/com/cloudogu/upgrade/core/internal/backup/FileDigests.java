package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Size and SHA-256 of every file of a directory backup, several files at a time (hashing runs at
 * disk speed per core; a directory backup has many files).
 */
public final class FileDigests {

    private FileDigests() {
    }

    /**
     * @param dir the backup directory
     * @param paths its files, relative
     * @param threads how many files at a time
     * @param fsync also force each file to disk
     * @return one entry per path, same order
     */
    public static List<BackupManifest.FileEntry> measure(Path dir, List<String> paths, int threads, boolean fsync)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, paths.size())), r -> {
            Thread t = new Thread(r, "dogu-upgrade-sha256");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<BackupManifest.FileEntry>> futures = new ArrayList<>();
            for (String rel : paths) {
                futures.add(pool.submit(() -> {
                    Path file = dir.resolve(rel);
                    if (fsync) {
                        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                            c.force(true);
                        }
                    }
                    return new BackupManifest.FileEntry(rel, java.nio.file.Files.size(file), Checksums.sha256(file));
                }));
            }
            List<BackupManifest.FileEntry> out = new ArrayList<>(paths.size());
            for (Future<BackupManifest.FileEntry> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing the backup", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** @param files the manifest's file list @return hex SHA-256 over "path size sha256" lines, in order */
    public static String listDigest(List<BackupManifest.FileEntry> files) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        for (BackupManifest.FileEntry f : files) {
            d.update((f.path() + " " + f.size() + " " + f.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * Checks a directory backup against its manifest: exactly the listed files, each with its size
     * and SHA-256, and the list itself with the recorded digest.
     *
     * @param dir the backup directory
     * @param manifest its manifest
     * @param threads how many files at a time
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} naming the first problem
     */
    static void verify(Path dir, BackupManifest manifest, int threads) {
        String keep = " Nothing was changed; the old data is untouched.";
        if (manifest.files().isEmpty() || !listDigest(manifest.files()).equals(manifest.sha256())) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The manifest of the backup " + dir + " lists files"
                    + " whose digest differs from the recorded " + manifest.sha256() + " (altered)." + keep);
        }
        try {
            Set<String> present = new TreeSet<>(BackupFiles.relativeFiles(dir));
            Set<String> listed = new TreeSet<>();
            manifest.files().forEach(f -> listed.add(f.path()));
            for (String p : listed) {
                if (!present.contains(p)) {
                    throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + dir + " lacks its file " + p
                            + " (deleted or truncated)." + keep);
                }
            }
            for (String p : present) {
                if (!listed.contains(p)) {
                    throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + dir + " holds a file " + p
                            + " that was not written by the backup (altered)." + keep);
                }
            }
            for (BackupManifest.FileEntry f : manifest.files()) {
                long size = dir.resolve(f.path()).toFile().length();
                if (size != f.size()) {
                    throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup file " + dir.resolve(f.path())
                            + " has " + size + " bytes but " + f.size() + " were written (truncated or altered)." + keep);
                }
            }
            List<BackupManifest.FileEntry> actual = measure(dir,
                    manifest.files().stream().map(BackupManifest.FileEntry::path).toList(), threads, false);
            for (int i = 0; i < actual.size(); i++) {
                BackupManifest.FileEntry want = manifest.files().get(i);
                if (!actual.get(i).sha256().equals(want.sha256())) {
                    throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup file " + dir.resolve(want.path())
                            + " has SHA-256 " + actual.get(i).sha256() + " but " + want.sha256() + " was recorded"
                            + " (corrupted or altered)." + keep);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read the backup " + dir + ": " + e + "." + keep, e);
        }
        if (!java.nio.file.Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup " + dir + " is not a directory." + keep);
        }
    }
}
