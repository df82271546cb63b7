package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Complete PostgreSQL installations (server and every client program, {@code pg_upgrade} included)
 * of the majors Debian ships, for tests that need more than the zonky server binaries:
 * 13 from bullseye, 15 from bookworm, 17 from trixie, 18 from sid. 12, 14 and 16 are in no suite.
 *
 * <p>{@link #get(int)} prefers a complete installation of the host's own packages under
 * {@code /usr/lib/postgresql/<major>} (bookworm's {@code postgresql-15} on CI) and otherwise calls
 * {@link #fetch(int, String)}, which downloads the suite's current packages with a private apt
 * configuration, unpacks them with their library closure and own glibc, and patches the programs to
 * that glibc ({@link DebianPackageInstaller}). No system package or apt state is changed, and nothing
 * needs to be installed except what Debian has anyway ({@code apt-get}, {@code dpkg-deb}, the archive
 * keyring). Versions are whatever the suite holds today; {@link PostgresInstallation#versionLine()}
 * records which one a test ran.
 *
 * <p>Each installation is built once per major and suite under
 * {@code <cache>/debian/<major>-<suite>}, where {@code <cache>} is the zonky binaries' cache
 * (system property {@value #CACHE_PROPERTY}, default {@code ${java.io.tmpdir}/dogu-upgrade-testkit/pg}).
 * A second run, or a second JVM, reuses it without network access. About 120-150 MB per major.
 *
 * <p>System properties: {@value #MIRROR_PROPERTY} (default: the Debian mirror the host's apt uses,
 * else {@value #DEFAULT_MIRROR}), {@value #USE_SYSTEM_PROPERTY} ({@code false} fetches even majors the
 * host has installed).
 */
public final class DebianInstallations {

    /** The testkit's cache root, shared with the zonky binaries. */
    public static final String CACHE_PROPERTY = "dogu.upgrade.testkit.cache";
    /** The Debian mirror to fetch from. */
    public static final String MIRROR_PROPERTY = "dogu.upgrade.testkit.debianMirror";
    /** Whether {@link #get(int)} may use the host's own {@code /usr/lib/postgresql/<major>}. */
    public static final String USE_SYSTEM_PROPERTY = "dogu.upgrade.testkit.debianUseSystem";
    /** The mirror used when neither the property nor the host's apt names one. */
    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

    private static final Logger LOG = LoggerFactory.getLogger(DebianInstallations.class);
    private static final Map<Integer, String> SUITES = Map.of(13, "bullseye", 15, "bookworm", 17, "trixie", 18, "sid");
    private static final Pattern SUITE_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, PostgresInstallation> KNOWN = new ConcurrentHashMap<>();

    private DebianInstallations() {}

    /**
     * @param major 13, 15, 17 or 18
     * @return the host's complete installation of that major if there is one (and
     *     {@value #USE_SYSTEM_PROPERTY} is not {@code false}), else one fetched from
     *     {@link #defaultSuite(int)}
     * @throws IllegalArgumentException for a major Debian does not ship
     * @throws UpgradeException if fetching failed (the message says why, e.g. an unreachable mirror)
     */
    public static PostgresInstallation get(int major) {
        String suite = defaultSuite(major);
        if (!"false".equalsIgnoreCase(System.getProperty(USE_SYSTEM_PROPERTY, "true"))) {
            Optional<PostgresInstallation> system = system(major);
            if (system.isPresent()) {
                return system.get();
            }
        }
        return fetch(major, suite);
    }

    /**
     * @param major a PostgreSQL major
     * @return the Debian suite {@link #get(int)} fetches it from
     * @throws IllegalArgumentException for a major Debian does not ship (12, 14, 16, ...)
     */
    public static String defaultSuite(int major) {
        String suite = SUITES.get(major);
        if (suite == null) {
            throw new IllegalArgumentException("Debian ships no complete PostgreSQL " + major
                    + "; majors with a suite: " + new java.util.TreeMap<>(SUITES)
                    + " (for 14 and 16 use zonky servers as the old side of pg_upgrade)");
        }
        return suite;
    }

    /**
     * @param major a PostgreSQL major
     * @return the host's installation under {@code /usr/lib/postgresql/<major>} if it has every
     *     program of {@link PostgresInstallation#REQUIRED_PROGRAMS}
     */
    public static Optional<PostgresInstallation> system(int major) {
        Path prefix = Path.of("/usr/lib/postgresql", Integer.toString(major));
        Path bin = prefix.resolve("bin");
        boolean complete = PostgresInstallation.REQUIRED_PROGRAMS.stream()
                .allMatch(p -> Files.isExecutable(bin.resolve(p)));
        if (!complete) {
            return Optional.empty();
        }
        PostgresInstallation system = KNOWN.computeIfAbsent("system-" + major, k -> new PostgresInstallation(major,
                "system", bin, prefix.resolve("lib"), Path.of("/usr/share/postgresql", Integer.toString(major)),
                versionLine(bin, major), Map.of()));
        return Optional.of(system);
    }

    /**
     * Fetches (once; later calls and later JVMs reuse the cache) the suite's current packages.
     *
     * @param major the PostgreSQL major
     * @param suite the Debian suite, e.g. {@code trixie}, {@code forky}, {@code sid}
     * @return the installation
     * @throws UpgradeException if the mirror is unreachable, the suite lacks the major, or the
     *     programs do not run
     */
    public static PostgresInstallation fetch(int major, String suite) {
        return fetch(major, suite, cacheRoot(), DebianMirror::find);
    }

    // Package-private for tests that need their own cache or an unreachable mirror.
    // The mirror is looked up only when something must be built: asking apt costs about 2 s.
    static PostgresInstallation fetch(int major, String suite, Path cacheRoot, Supplier<String> mirror) {
        if (!SUITE_NAME.matcher(suite).matches()) {
            throw new IllegalArgumentException("'" + suite + "' is not a Debian suite name");
        }
        String key = major + "-" + suite;
        String knownKey = cacheRoot + "/" + key;
        PostgresInstallation known = KNOWN.get(knownKey);
        if (known != null) {
            return known;
        }
        try {
            if (!Files.isRegularFile(KEYRING)) {
                throw new IOException(KEYRING + " is missing (apt-get install debian-archive-keyring)");
            }
            long started = System.nanoTime();
            // The cache serializes builders itself; this map only saves re-reading the manifest.
            Path home = new InstallationCache(cacheRoot, DebianPackageInstaller.MANIFEST).get(key,
                    dir -> new DebianPackageInstaller(mirror.get(), KEYRING).install(major, suite, dir));
            PostgresInstallation installation = fromCache(major, suite, home);
            LOG.info("PostgreSQL {} from Debian {} ready in {} ms: {}", major, suite,
                    (System.nanoTime() - started) / 1_000_000, installation);
            KNOWN.putIfAbsent(knownKey, installation);
            return KNOWN.get(knownKey);
        } catch (IOException | UpgradeException e) {
            throw new UpgradeException(ErrorCode.SERVER, "Could not provide PostgreSQL " + major + " from Debian "
                    + suite + " (mirror " + mirror.get() + ", cache " + cacheRoot.resolve(key) + "): " + e.getMessage()
                    + "\nThe packages come from the Debian mirror at test time (-D" + MIRROR_PROPERTY
                    + " chooses another); a finished installation is reused without network access.", e);
        }
    }

    /** @return where installations are cached: {@code <testkit cache>/debian} */
    public static Path cacheRoot() {
        String cache = System.getProperty(CACHE_PROPERTY);
        Path root = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "dogu-upgrade-testkit", "pg")
                : Path.of(cache);
        return root.toAbsolutePath().resolve("debian");
    }

    static PostgresInstallation fromCache(int major, String suite, Path home) throws IOException {
        Map<String, String> manifest = Manifest.read(home.resolve(DebianPackageInstaller.MANIFEST));
        Path prefix = home.resolve("root/usr/lib/postgresql/" + major);
        Path bin = prefix.resolve("bin");
        // Runs the program, so a cache whose private loader went missing fails here, not in a test.
        String versionLine = versionLine(bin, major);
        return new PostgresInstallation(major, "Debian " + suite, bin, prefix.resolve("lib"),
                home.resolve("root/usr/share/postgresql/" + major), versionLine, manifest);
    }

    private static String versionLine(Path bin, int major) {
        Command.Result result = Command.run(List.of(bin.resolve("postgres").toString(), "-V"), bin, Map.of(),
                VERSION_TIMEOUT);
        String line = result.output().strip();
        if (result.exitCode() != 0 || !line.startsWith("postgres (PostgreSQL) " + major + ".")) {
            throw new UpgradeException(ErrorCode.SERVER, bin.resolve("postgres") + " -V did not report PostgreSQL "
                    + major + " (exit code " + result.exitCode() + "): " + line
                    + "; if this is a cached installation, delete its directory to fetch it again");
        }
        return line;
    }
}
