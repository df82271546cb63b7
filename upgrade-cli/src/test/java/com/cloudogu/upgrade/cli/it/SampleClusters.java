package com.cloudogu.upgrade.cli.it;

import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old container's cluster with the testkit's sample data, prepared once per JVM and image
 * ({@code initdb}, {@link SampleData}, optionally the superuser's old password), cleanly stopped and
 * fingerprinted, so that a test copies it ({@link EmbeddedDogu#startServerFrom}) instead of spending
 * seconds on building the same cluster again. Safe to use from concurrent tests; the templates are
 * deleted when the JVM exits.
 */
final class SampleClusters {

    /** What the prepared cluster holds besides a fresh {@code initdb}. */
    enum Kind {
        /** {@link SampleData} only: the superuser has no password (trust, as the dogu's local socket). */
        SAMPLE_DATA,
        /**
         * {@link SampleData} and the superuser password {@value #OLD_PASSWORD}: the fingerprint records
         * that one is set, as the restored cluster's superuser gets the new image's.
         */
        SAMPLE_DATA_AND_OLD_PASSWORD
    }

    /** The superuser's password in a {@link Kind#SAMPLE_DATA_AND_OLD_PASSWORD} cluster. */
    static final String OLD_PASSWORD = "the-old-password";

    /** A prepared, cleanly stopped data directory (owned by the server's OS user) and its fingerprint. */
    record Template(Path dataDirectory, ClusterFingerprint fingerprint) {}

    private static final Logger LOG = LoggerFactory.getLogger(SampleClusters.class);
    private static final Map<Key, Holder> TEMPLATES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SampleClusters::deleteAll, "sample-cluster-cleanup"));
    }

    private SampleClusters() {}

    /**
     * @param image the server programs the cluster is for
     * @param kind what it holds
     * @return the template, built on first use (callers of other keys are not held up meanwhile)
     */
    static Template get(PostgresBinaries image, Kind kind) throws Exception {
        return TEMPLATES.computeIfAbsent(new Key(serverIdentity(image), kind), k -> new Holder()).get(image, kind);
    }

    /*
     * The same server executable (an image's linkedCopy hard-links it) builds the same cluster; a
     * different one, even of the same version (zonky's or Debian's), gets a template of its own.
     */
    private static Object serverIdentity(PostgresBinaries image) {
        try {
            Object key = Files.readAttributes(image.tool("postgres"), BasicFileAttributes.class).fileKey();
            return key != null ? key : image.tool("postgres").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Key(Object server, Kind kind) {}

    /** Builds one template at most once; a failed build is tried again by the next caller. */
    private static final class Holder {
        private Template template;

        synchronized Template get(PostgresBinaries image, Kind kind) throws Exception {
            if (template == null) {
                template = build(image, kind);
            }
            return template;
        }

        synchronized void delete() throws IOException {
            if (template != null) {
                deleteTree(template.dataDirectory().getParent());
                template = null;
            }
        }
    }

    private static Template build(PostgresBinaries image, Kind kind) throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("dogu-upgrade-sample-cluster-");
        // the server runs as postgres: it must be able to walk down to the data directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("data");
        Template template;
        try (PostgresServer server = PostgresServer.builder(image).dataDirectory(data).start()) {
            SampleData.load(server);
            if (kind == Kind.SAMPLE_DATA_AND_OLD_PASSWORD) {
                server.execute("postgres", "ALTER ROLE postgres PASSWORD '" + OLD_PASSWORD + "'");
            }
            template = new Template(data, ClusterFingerprint.of(server));
        } catch (Exception | Error e) {
            try {
                deleteTree(dir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.info("Prepared the {} template of PostgreSQL {} in {} ({} ms)", kind, image.version(), data,
                (System.nanoTime() - t0) / 1_000_000);
        return template;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteAll() {
        for (Holder holder : TEMPLATES.values()) {
            try {
                holder.delete();
            } catch (IOException e) {
                LOG.warn("Could not delete a sample cluster template: {}", e.toString());
            }
        }
    }
}
