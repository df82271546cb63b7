package com.cloudogu.upgrade.testkit;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a zonky version into an unpacked installation: local Maven repository first, Maven Central
 * second, unpacked once into a shared cache.
 *
 * <p>Two locks guard each version: a monitor for threads of this JVM and a file lock for other JVMs
 * (the file lock alone would throw {@code OverlappingFileLockException} inside one JVM). The
 * unpacker renames a complete directory into place, so the cache never holds a half-unpacked
 * version even if a JVM dies mid-way.
 */
final class BinaryResolver {

    /** System property overriding the unpack cache root. */
    static final String CACHE_PROPERTY = "dogu.upgrade.testkit.cache";
    /** System property overriding the remote Maven repository base URL. */
    static final String REMOTE_PROPERTY = "dogu.upgrade.testkit.mavenRepo";
    static final String DEFAULT_REMOTE = "https://repo.maven.apache.org/maven2";
    /** The one entry inside each zonky jar. */
    static final String ARCHIVE_ENTRY = "postgres-linux-x86_64.txz";

    private static final Logger LOG = LoggerFactory.getLogger(BinaryResolver.class);
    private static final Map<Settings, BinaryResolver> SHARED = new ConcurrentHashMap<>();
    // JVM-wide, keyed by cache directory: two resolvers on one cache must not both take the file lock.
    private static final Map<Path, Object> VERSION_LOCKS = new ConcurrentHashMap<>();

    /**
     * Where binaries come from and go to.
     *
     * @param localRepository the local Maven repository root
     * @param cacheRoot the directory holding one unpacked installation per version
     * @param remoteRepository the remote Maven repository base URL
     */
    record Settings(Path localRepository, Path cacheRoot, URI remoteRepository) {

        static Settings fromSystemProperties() {
            String repo = System.getProperty("maven.repo.local");
            Path localRepository = repo == null || repo.isBlank()
                    ? Path.of(System.getProperty("user.home"), ".m2", "repository")
                    : Path.of(repo);
            String cache = System.getProperty(CACHE_PROPERTY);
            Path cacheRoot = cache == null || cache.isBlank()
                    ? Path.of(System.getProperty("java.io.tmpdir"), "dogu-upgrade-testkit", "pg")
                    : Path.of(cache);
            String remote = System.getProperty(REMOTE_PROPERTY, DEFAULT_REMOTE);
            return new Settings(localRepository.toAbsolutePath(), cacheRoot.toAbsolutePath(), URI.create(remote));
        }
    }

    private final Settings settings;
    private final MavenArtifactFetcher fetcher;
    private final Map<String, PostgresBinaries> resolved = new ConcurrentHashMap<>();

    BinaryResolver(Settings settings) {
        this.settings = settings;
        this.fetcher = new MavenArtifactFetcher(settings.localRepository(), settings.remoteRepository());
    }

    static BinaryResolver shared(Settings settings) {
        return SHARED.computeIfAbsent(settings, BinaryResolver::new);
    }

    PostgresBinaries resolve(String version) {
        PostgresBinaries.parse(version);
        PostgresBinaries known = resolved.get(version);
        if (known != null) {
            return known;
        }
        synchronized (VERSION_LOCKS.computeIfAbsent(settings.cacheRoot().resolve(version), p -> new Object())) {
            known = resolved.get(version);
            if (known != null) {
                return known;
            }
            try {
                PostgresBinaries binaries = new PostgresBinaries(version, unpacked(version));
                resolved.put(version, binaries);
                return binaries;
            } catch (IOException e) {
                throw new UpgradeException(ErrorCode.SERVER, "Could not provide PostgreSQL " + version + " binaries ("
                        + PostgresBinaries.GROUP_ID + ":" + PostgresBinaries.ARTIFACT_ID + ":" + version + "): " + e
                        + ". The jar comes from " + settings.localRepository() + " or " + settings.remoteRepository()
                        + " and is unpacked into " + settings.cacheRoot() + " (-D" + CACHE_PROPERTY
                        + " chooses another writable directory)", e);
            }
        }
    }

    @SuppressWarnings("try") // the resource is held, not used
    private Path unpacked(String version) throws IOException {
        Path home = settings.cacheRoot().resolve(version);
        if (isComplete(home)) {
            LOG.debug("Reusing PostgreSQL {} from {}", version, home);
            return home;
        }
        FilePermissions.createReadableDirectories(settings.cacheRoot());
        Path lockFile = settings.cacheRoot().resolve("." + version + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            // Another JVM may have finished while we waited for the lock.
            if (isComplete(home)) {
                return home;
            }
            removeStaleStaging(version);
            Path jar = fetcher.fetch(version);
            new TarXzUnpacker().unpack(jar, ARCHIVE_ENTRY, home);
            return home;
        }
    }

    private static boolean isComplete(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("postgres"));
    }

    // Staging directories left by a JVM that died while unpacking; safe to delete under the lock.
    private void removeStaleStaging(String version) throws IOException {
        try (DirectoryStream<Path> stale =
                Files.newDirectoryStream(settings.cacheRoot(), "." + version + TarXzUnpacker.STAGING_MARKER + "*")) {
            for (Path dir : stale) {
                LOG.info("Removing unfinished unpack {}", dir);
                FileTrees.deleteRecursively(dir);
            }
        }
    }
}
