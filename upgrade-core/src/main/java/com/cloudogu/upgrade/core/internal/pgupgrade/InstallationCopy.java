package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.Checksums;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the old installation and its shared-library closure onto the data volume, where the new
 * image's post-upgrade finds it: {@code <target>/root/<original absolute path>} for the programs, the
 * package library directory (without the LLVM JIT, which pg_upgrade does not need) and the share
 * directory, so that {@code postgres} finds {@code ../lib} and {@code ../share} as it was built to;
 * {@code <target>/deps/<soname>} for every library the loader resolved; and a manifest with every
 * file's size and SHA-256.
 *
 * <p>Crash safety: everything is written under {@code <target>.partial}, fsynced, and renamed to
 * {@code <target>} last, so {@code <target>} exists only complete; a rerun discards a partial copy
 * and starts again, and finds a complete one done. The copy is not writable by group or others: the
 * database user must not be able to change programs that root runs.
 */
public final class InstallationCopy {

    private static final Logger LOG = LoggerFactory.getLogger(InstallationCopy.class);
    /** The manifest's file name inside the copy. */
    public static final String MANIFEST = "installation.properties";
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final int LDD_BATCH = 64;

    private final ProcessRunner runner;

    /** @param runner runs {@code ldd} */
    public InstallationCopy(ProcessRunner runner) {
        this.runner = runner;
    }

    /**
     * @param old the installation to carry over
     * @param target where the complete copy ends up, e.g. {@code <volume>/.pg-upgrade/old-15}
     * @return the manifest of the copy
     * @throws UpgradeException if the copy cannot be written
     */
    public Properties copy(OldInstallation old, Path target) {
        long t0 = System.nanoTime();
        try {
            if (Files.isRegularFile(target.resolve(MANIFEST))) {
                LOG.info("old installation already carried over to {}", target);
                return read(target);
            }
            Path staging = target.resolveSibling(target.getFileName() + ".partial");
            BackupFiles.deleteTree(staging);
            Files.createDirectories(staging);
            Properties manifest = copyInto(old, staging);
            sealed(staging);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            Durable.syncDirectory(target.getParent());
            LOG.info("old installation {} carried over to {} in {} ms", old.version(), target,
                    (System.nanoTime() - t0) / 1_000_000);
            return manifest;
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot carry the old PostgreSQL installation over to "
                    + target + ": " + e.getMessage() + ". Nothing was changed in the cluster; free space on the"
                    + " volume or use --upgrade-method dump, then run pre-upgrade again.", e);
        }
    }

    /**
     * Copies the installation into a directory that the caller publishes (and seals) itself.
     *
     * @param old the installation to carry over
     * @param directory an empty directory
     * @return the installation's manifest, also written to {@link #MANIFEST} in the directory
     * @throws IOException if a file cannot be copied
     */
    public Properties copyInto(OldInstallation old, Path directory) throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Path> elves = new ArrayList<>();
        for (Path program : old.programs()) {
            copyInto(directory, program, files);
            elves.add(program);
        }
        for (Path dir : List.of(old.pkglib(), old.share())) {
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path p : tree.filter(Files::isRegularFile).filter(p -> !isJit(dir, p)).toList()) {
                    copyInto(directory, p, files);
                    if (p.getFileName().toString().endsWith(".so")) {
                        elves.add(p);
                    }
                }
            }
        }
        LibraryClosure closure = new LibraryClosure();
        resolveLibraries(elves, closure);
        Path deps = Files.createDirectories(directory.resolve("deps"));
        for (Map.Entry<String, Path> lib : closure.resolved().entrySet()) {
            Path copy = deps.resolve(lib.getKey());
            Files.copy(lib.getValue(), copy, StandardCopyOption.REPLACE_EXISTING);
            files.put("deps/" + lib.getKey(), Checksums.sha256(copy));
        }
        Properties manifest = manifest(old, files, closure);
        try (OutputStream out = Files.newOutputStream(directory.resolve(MANIFEST))) {
            manifest.store(out, "dogu-upgrade: the old PostgreSQL installation, carried over for pg_upgrade");
        }
        LOG.info("old installation {}: {} files, {} libraries ({} not found by the loader here)", old.version(),
                files.size(), closure.resolved().size(), closure.missing().size());
        return manifest;
    }

    /**
     * One {@code ldd} for many files (glibc's prints each file's libraries under a {@code <file>:}
     * heading), which saves a process per file: about a second for a contrib-sized pkglib. An
     * {@code ldd} that answers for one file only (musl's) is asked file by file.
     */
    private void resolveLibraries(List<Path> elves, LibraryClosure closure) {
        for (int from = 0; from < elves.size(); from += LDD_BATCH) {
            List<Path> batch = elves.subList(from, Math.min(elves.size(), from + LDD_BATCH));
            ProcessResult r = runner.run(Command.of("ldd").args(batch.stream().map(Path::toString).toList())
                    .captureStdout().build());
            Set<String> headings = r.stdout().lines().filter(l -> l.endsWith(":")).collect(Collectors.toSet());
            if (batch.size() > 1 && !batch.stream().allMatch(e -> headings.contains(e + ":"))) {
                for (Path elf : batch) {
                    closure.add(runner.run(Command.of("ldd", elf.toString()).captureStdout().build()).stdout());
                }
            } else {
                closure.add(r.stdout());
            }
        }
    }

    /**
     * @param target a complete copy
     * @return its manifest
     * @throws IOException if it cannot be read
     */
    public static Properties read(Path target) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(target.resolve(MANIFEST))) {
            p.load(in);
        }
        return p;
    }

    private static boolean isJit(Path dir, Path file) {
        Path rel = dir.relativize(file);
        String first = rel.getName(0).toString();
        return first.equals("bitcode") || first.startsWith("llvmjit");
    }

    private static void copyInto(Path staging, Path file, Map<String, String> files) throws IOException {
        String relative = "root" + file.toAbsolutePath().normalize();
        Path copy = staging.resolve(relative);
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        files.put(relative, Checksums.sha256(copy));
    }

    private static Properties manifest(OldInstallation old, Map<String, String> files, LibraryClosure closure) {
        Properties p = new Properties();
        p.setProperty("format", "1");
        p.setProperty("major", Integer.toString(old.major()));
        p.setProperty("version", old.version());
        p.setProperty("bin", old.bin().toString());
        p.setProperty("pkglib", old.pkglib().toString());
        p.setProperty("share", old.share().toString());
        p.setProperty("libraries", String.join(" ", closure.resolved().keySet()));
        p.setProperty("librariesNotFound", String.join(" ", closure.missing()));
        files.forEach((name, sha) -> p.setProperty("sha256." + name, sha));
        return p;
    }

    /**
     * Takes write access from group and others, then fsyncs every file and directory.
     *
     * @param staging the copy
     * @throws IOException if a mode cannot be set or a file synced
     */
    public static void sealed(Path staging) throws IOException {
        try (Stream<Path> tree = Files.walk(staging)) {
            List<Path> directories = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (Path p : tree.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (Files.isDirectory(p)) {
                    directories.add(p);
                } else {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    perms.remove(PosixFilePermission.GROUP_WRITE);
                    perms.remove(PosixFilePermission.OTHERS_WRITE);
                    perms.add(PosixFilePermission.OWNER_READ);
                    perms.add(PosixFilePermission.GROUP_READ);
                    perms.add(PosixFilePermission.OTHERS_READ);
                    Files.setPosixFilePermissions(p, perms);
                    files.add(p);
                }
            }
            Durable.syncFiles(files);
            for (Path dir : directories) { // deepest first: a directory is synced after what it holds
                Files.setPosixFilePermissions(dir, DIRECTORY);
                Durable.syncDirectory(dir);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
