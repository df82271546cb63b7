package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.FileTrees;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one complete PostgreSQL installation from a Debian suite's packages into a directory that
 * stays where it is (the patched programs name it absolutely):
 *
 * <ol>
 *   <li>a {@link PrivateApt} reads the suite's current index, so versions are never pinned;
 *   <li>{@code postgresql-N}, {@code postgresql-client-N}, {@code libpq5}, {@code patchelf} and their
 *       architecture-dependent library closure (libc6 included) are downloaded and unpacked with
 *       {@code dpkg-deb -x} into {@code root/};
 *   <li>LLVM JIT, documentation and man pages are dropped (LLVM alone is ~120 MB);
 *   <li>the programs are bound to the suite's own glibc ({@link PrivateLoader});
 *   <li>{@code postgres -V} must run and name the major; it is recorded with the package versions in
 *       {@value #MANIFEST}, which is written last and so marks a complete installation.
 * </ol>
 */
final class DebianPackageInstaller {

    /** Written last into a finished installation. */
    static final String MANIFEST = "manifest.properties";

    private static final Logger LOG = LoggerFactory.getLogger(DebianPackageInstaller.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    // Perl, debconf, Python, Tcl: only for scripts and PL languages; LLVM/clang/z3: only for the JIT.
    private static final Pattern DROP = Pattern.compile(
            "(libllvm.*|libclang.*|libz3.*|lib.*-perl|libperl.*|libdebconf.*|libcrypt-.*|libsemanage.*"
                    + "|libpython.*|libtcl.*)");

    private final String mirror;
    private final Path keyring;

    DebianPackageInstaller(String mirror, Path keyring) {
        this.mirror = mirror;
        this.keyring = keyring;
    }

    /**
     * @param major the PostgreSQL major, e.g. {@code 17}
     * @param suite the Debian suite holding {@code postgresql-<major>}, e.g. {@code trixie}
     * @param home an empty directory, created by the caller, that will hold the installation for good
     * @return the installation
     */
    PostgresInstallation install(int major, String suite, Path home) throws IOException {
        long started = System.nanoTime();
        Path work = home.resolve("apt");
        Files.createDirectories(work);
        PrivateApt apt = PrivateApt.configure(work, mirror, keyring, suite);
        apt.update();
        long indexBytes = sizeOf(work.resolve("lists"));
        long indexed = System.nanoTime();

        List<String> roots = List.of("postgresql-" + major, "postgresql-client-" + major, "libpq5", "patchelf");
        Pattern keep = Pattern.compile("(postgresql-(client-)?" + major + "|lib.*|zlib1g|patchelf)");
        List<String> packages = apt.runtimeClosure(roots, keep, DROP);
        for (String root : roots) {
            if (!packages.contains(root)) {
                throw new UpgradeException(ErrorCode.SERVER, "Debian " + suite + " has no package " + root
                        + " (found: " + packages + "); PostgreSQL " + major + " cannot be had from it");
            }
        }
        List<Path> debs = apt.download(packages, work.resolve("debs"));
        long downloadBytes = 0;
        for (Path deb : debs) {
            downloadBytes += Files.size(deb);
        }
        long downloaded = System.nanoTime();

        Path root = home.resolve("root");
        Files.createDirectories(root);
        Map<String, String> versions = new LinkedHashMap<>();
        for (Path deb : debs) {
            Command.check(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), work, Map.of(), TOOL_TIMEOUT);
            versions.put(packageName(deb), packageVersion(deb));
        }
        Path prefix = root.resolve("usr/lib/postgresql/" + major);
        Path bin = prefix.resolve("bin");
        Path lib = prefix.resolve("lib");
        Path share = root.resolve("usr/share/postgresql/" + major);
        dropUnneeded(root, lib);

        PrivateLoader loader = PrivateLoader.in(root, lib);
        int patched = loader.patchPrograms(bin);
        openForEveryone(home);
        String versionLine = Command.check(List.of(bin.resolve("postgres").toString(), "-V"), home, Map.of(),
                TOOL_TIMEOUT).strip();
        if (!versionLine.startsWith("postgres (PostgreSQL) " + major + ".")) {
            throw new UpgradeException(ErrorCode.SERVER, "postgres from Debian " + suite + " reports '" + versionLine
                    + "', expected major " + major);
        }
        FileTrees.deleteRecursively(work); // the .debs and index: 40-60 MB nobody needs again

        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("major", Integer.toString(major));
        manifest.put("suite", suite);
        manifest.put("mirror", mirror);
        manifest.put("postgres.version", versionLine);
        manifest.put("loader", loader.loader().toString());
        manifest.put("programs.patched", Integer.toString(patched));
        manifest.put("packages.count", Integer.toString(debs.size()));
        // As stored: apt keeps the lists decompressed, so this is more than went over the wire.
        manifest.put("index.stored.bytes", Long.toString(indexBytes));
        manifest.put("download.bytes", Long.toString(downloadBytes));
        manifest.put("index.millis", Long.toString((indexed - started) / 1_000_000));
        manifest.put("download.millis", Long.toString((downloaded - indexed) / 1_000_000));
        manifest.put("total.millis", Long.toString((System.nanoTime() - started) / 1_000_000));
        versions.forEach((name, version) -> manifest.put("package." + name, version));
        Manifest.write(home.resolve(MANIFEST), manifest);
        LOG.info("PostgreSQL {} from Debian {}: index {} MB in {} ms, {} packages {} MB in {} ms, total {} ms; {}",
                major, suite, indexBytes / 1_000_000, manifest.get("index.millis"), debs.size(),
                downloadBytes / 1_000_000, manifest.get("download.millis"), manifest.get("total.millis"), versionLine);
        return new PostgresInstallation(major, "Debian " + suite, bin, lib, share, versionLine, manifest);
    }

    private static void dropUnneeded(Path root, Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jit : files.filter(p -> p.getFileName().toString().startsWith("llvmjit")).toList()) {
                Files.delete(jit);
            }
        }
        FileTrees.deleteRecursively(lib.resolve("bitcode"));
        FileTrees.deleteRecursively(root.resolve("usr/share/doc"));
        FileTrees.deleteRecursively(root.resolve("usr/share/man"));
    }

    /**
     * The server runs as {@code postgres} while the JVM usually runs as root: every directory must be
     * enterable and every file readable by all (programs keep or gain their execute bits).
     */
    static void openForEveryone(Path tree) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(tree)) {
            all = new ArrayList<>(walk.toList());
        }
        for (Path p : all) {
            if (Files.isSymbolicLink(p)) {
                continue;
            }
            Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
            mode.addAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ));
            boolean executable = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    || mode.contains(PosixFilePermission.OWNER_EXECUTE);
            if (executable) {
                mode.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
            }
            Files.setPosixFilePermissions(p, mode);
        }
    }

    // apt-get download names files <package>_<version>_<arch>.deb with ':' in the version as %3a.
    private static String packageName(Path deb) {
        return deb.getFileName().toString().split("_", 3)[0];
    }

    private static String packageVersion(Path deb) {
        String[] parts = deb.getFileName().toString().split("_", 3);
        // Only the epoch colon is escaped; URLDecoder would also turn the '+' of "0+deb13u1" into a space.
        return parts.length < 2 ? "" : parts[1].replace("%3a", ":").replace("%3A", ":");
    }

    private static long sizeOf(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
