package com.cloudogu.upgrade.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks the {@code .txz} inside a zonky jar, keeping executable bits and symbolic links (the
 * shared libraries are symlink chains), and making everything readable for all users so that the
 * unprivileged server user can run binaries unpacked by root.
 *
 * <p>The archive is unpacked into a staging sibling of the target and renamed into place in one
 * step, so readers see either nothing or a complete installation.
 */
final class TarXzUnpacker {

    /** Part of every staging directory's name, so stale ones can be found and removed. */
    static final String STAGING_MARKER = ".unpacking-";

    private static final Logger LOG = LoggerFactory.getLogger(TarXzUnpacker.class);

    void unpack(Path jar, String entryName, Path target) throws IOException {
        long started = System.nanoTime();
        Path parent = target.toAbsolutePath().getParent();
        FilePermissions.createReadableDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + STAGING_MARKER);
        try {
            int entries;
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(entryName);
                if (entry == null) {
                    throw new IOException(jar + " has no entry " + entryName + "; is it a zonky binaries jar?");
                }
                try (InputStream raw = new BufferedInputStream(zip.getInputStream(entry), 1 << 16);
                        TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                    entries = extract(tar, staging);
                }
            }
            Files.setPosixFilePermissions(staging, FilePermissions.fromMode(0755));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException lostRace) {
                LOG.debug("{} was unpacked concurrently; discarding our copy", target);
                return;
            }
            LOG.info("Unpacked {} ({} entries) into {} in {} ms", jar.getFileName(), entries, target,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            FileTrees.deleteRecursively(staging);
        }
    }

    private static int extract(TarArchiveInputStream tar, Path root) throws IOException {
        // Directory modes are applied last: a read-only directory entry must not block its own files.
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        int count = 0;
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            count++;
            Path path = inside(root, entry.getName());
            if (entry.isDirectory()) {
                Files.createDirectories(path);
                directoryModes.put(path, entry.getMode() | 0555);
                continue;
            }
            Files.createDirectories(path.getParent());
            if (entry.isSymbolicLink()) {
                Path link = Path.of(entry.getLinkName());
                // Refuse links that point outside the installation.
                inside(root, root.relativize(path.getParent().resolve(link)).toString());
                Files.createSymbolicLink(path, link);
            } else if (entry.isLink()) {
                Files.createLink(path, inside(root, entry.getLinkName()));
            } else if (entry.isFile()) {
                Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                int mode = entry.getMode() & 0777;
                mode |= 0444 | ((mode & 0111) != 0 ? 0111 : 0);
                Files.setPosixFilePermissions(path, FilePermissions.fromMode(mode));
            } else {
                LOG.debug("Skipping special archive entry {}", entry.getName());
            }
        }
        for (Map.Entry<Path, Integer> dir : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(dir.getKey(), FilePermissions.fromMode(dir.getValue() & 0777));
        }
        return count;
    }

    private static Path inside(Path root, String name) throws IOException {
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root)) {
            throw new IOException("archive entry " + name + " points outside the installation directory");
        }
        return path;
    }
}
