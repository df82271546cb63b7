package com.cloudogu.upgrade.cli.it;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.StateStores;
import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL dogu laid out as the container sees it: the data volume (mounted at
 * {@code /var/lib/postgresql} in the dogu) with the backup directory {@code backup/} on it, each
 * image's {@code PGDATA} on that volume as its {@link Layout} puts it, and — off the volume — a file
 * state store (doguctl's stand-in) and the lock file. The "image" is chosen per CLI run by the server
 * binaries put first on {@code PATH}; the client tools come from Debian's postgresql-15.
 *
 * <p>As in the real dogu, a new image's {@code PGDATA} does not exist on the volume until something
 * creates it, and a major upgrade finds the old cluster at another path.
 */
public final class EmbeddedDogu implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDogu.class);

    /** Where each image keeps {@code PGDATA} on the volume. */
    public enum Layout {
        /**
         * Dogu releases since 14.21 and the official images: {@code <volume>/<major>/docker}. A major
         * upgrade finds the old cluster in a sibling; a minor upgrade keeps the same path.
         */
        PER_MAJOR,
        /**
         * Dogu releases before 14.21: the first image started ({@link #startServer}) has {@code PGDATA} =
         * the volume root, every other image {@code <volume>/<major>/docker} — the old cluster is an
         * ancestor of the new {@code PGDATA} and shares its directory with {@code backup/}.
         */
        LEGACY,
        /** An image that keeps {@code PGDATA} across majors ({@code <volume>/data}): the same path. */
        FIXED
    }

    private final Path root;
    private final Path volume;
    private final Layout layout;
    private final Path backup;
    private final Path stateFile;
    private final Path logs;
    private final StateStore state;
    private String legacyImage;
    private PostgresServer running;

    private EmbeddedDogu(Path root, Layout layout) throws IOException {
        this.root = root;
        this.layout = layout;
        // The server runs as postgres: it must be able to walk down to its data directory.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.volume = Files.createDirectories(root.resolve("volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.backup = volume.resolve("backup");
        this.stateFile = root.resolve("config/dogu-state.properties");
        this.logs = Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(stateFile.getParent());
        this.state = StateStores.open("file:" + stateFile, Map.of());
    }

    /** @param root an empty directory @return a dogu with the per-major layout and no cluster yet */
    public static EmbeddedDogu in(Path root) throws IOException {
        return new EmbeddedDogu(root, Layout.PER_MAJOR);
    }

    /** @param root an empty directory @param layout where images keep PGDATA @return a dogu without a cluster */
    public static EmbeddedDogu in(Path root, Layout layout) throws IOException {
        return new EmbeddedDogu(root, layout);
    }

    /** @param version zonky version of an image @return that image's PGDATA on the volume */
    public Path pgdata(String version) {
        return switch (layout) {
            case FIXED -> volume.resolve("data");
            case LEGACY -> version.equals(legacyImage) ? volume : perMajor(version);
            case PER_MAJOR -> perMajor(version);
        };
    }

    private Path perMajor(String version) {
        // the major from the version text itself: an "image" may be a complete installation, not zonky's
        return volume.resolve(version.substring(0, version.indexOf('.'))).resolve("docker");
    }

    /**
     * Starts the image's server on its PGDATA (initializing it if needed), as the old container does.
     *
     * @param version zonky version, e.g. {@code 14.19.0}
     * @return the running server (trust authentication, like the dogu's local socket)
     */
    public PostgresServer startServer(String version) {
        return startServer(version, null);
    }

    /**
     * @param version zonky version
     * @param password the superuser password to log in with (a cluster initialized by dogu-upgrade
     *     requires one for TCP connections), or null
     * @return the running server
     */
    public PostgresServer startServer(String version, String password) {
        PostgresServer.Builder builder = PostgresServer.builder(version);
        return start(password == null ? builder : builder.superuserPassword(password), version);
    }

    /**
     * @param builder a server builder with extra settings (encoding, checksums ...)
     * @param version its zonky version
     * @return the running server on the image's PGDATA
     */
    public PostgresServer start(PostgresServer.Builder builder, String version) {
        if (legacyImage == null) {
            legacyImage = version;
        }
        running = builder.dataDirectory(pgdata(version)).start();
        return running;
    }

    /**
     * Starts the image's server on a copy of a prepared, cleanly stopped cluster instead of a fresh
     * one: what a test's old container holds, without initdb and sample data for every case.
     *
     * @param template the prepared data directory (owned by the server's OS user, as {@code cp -a} keeps it)
     * @param version its zonky version
     * @return the running server on the image's PGDATA
     */
    public PostgresServer startServerFrom(Path template, String version) throws IOException, InterruptedException {
        return startServerFrom(template, PostgresBinaries.of(version));
    }

    /**
     * @param template the prepared data directory (owned by the server's OS user)
     * @param image the server programs to run it with (e.g. a complete installation or a linked copy)
     * @return the running server on the image's PGDATA, a copy of the template
     */
    public PostgresServer startServerFrom(Path template, PostgresBinaries image) throws IOException, InterruptedException {
        String version = image.version();
        if (legacyImage == null) {
            legacyImage = version;
        }
        copyCluster(template, pgdata(version), volume);
        return start(PostgresServer.builder(image), version);
    }

    /**
     * Copies a cleanly stopped cluster to {@code target}, creating it and its parents up to {@code top}
     * traversable for the server's OS user.
     */
    static void copyCluster(Path template, Path target, Path top) throws IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        for (Path dir = target.getParent(); dir.startsWith(top) && !dir.equals(top); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(target);
        long t0 = System.nanoTime();
        // cp -a keeps owners and modes inside; the target directory itself takes the template's (0700, the server's)
        run("cp", "-a", "--", template + "/.", target.toString());
        run("chmod", "--reference=" + template, target.toString());
        run("chown", "--reference=" + template, target.toString());
        LOG.info("Copied the prepared cluster {} to {} in {} ms", template, target, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    /** Stops the server started by {@link #startServer}, as replacing the container does. */
    public void stopServer() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /**
     * @param version the "image": zonky version whose server binaries come first on PATH
     * @return a CLI runner with the hook environment of that image
     */
    public CliProcess cli(String version) {
        return cli(PostgresBinaries.of(version));
    }

    /**
     * @param image the "image": server binaries that come first on PATH, e.g. a
     *     {@link PostgresBinaries#linkedCopy} with an extension more or less
     * @return a CLI runner with the hook environment of that image
     */
    public CliProcess cli(PostgresBinaries image) {
        return new CliProcess(CliProcess.defaultJar(), environment(image), logs);
    }

    /**
     * @param image an image's server programs, e.g. {@code PostgresBinaries.of(DebianInstallations.get(15))}
     * @return the running server on that image's PGDATA
     */
    public PostgresServer startServer(PostgresBinaries image) {
        return start(PostgresServer.builder(image), image.version());
    }

    /**
     * The old container before an upgrade: the image's server runs on its PGDATA with the testkit's
     * sample data and the superuser password {@value SampleClusters#OLD_PASSWORD}; the state store
     * holds the new one. The cluster is a copy of one prepared once per image ({@link SampleClusters}).
     *
     * @param image the old image's server programs
     * @param newPassword the superuser password the state store holds for the new cluster
     * @return the old cluster's fingerprint, to compare the upgraded one with
     */
    public ClusterFingerprint startWithSampleData(PostgresBinaries image, String newPassword) throws Exception {
        ClusterFingerprint before = startFromTemplate(image, SampleClusters.Kind.SAMPLE_DATA_AND_OLD_PASSWORD);
        setPassword(newPassword);
        return before;
    }

    /**
     * As {@link #startWithSampleData(PostgresBinaries, String)}.
     *
     * @param version zonky version of the old image
     * @param newPassword the superuser password the state store holds for the new cluster
     * @return the old cluster's fingerprint
     */
    public ClusterFingerprint startWithSampleData(String version, String newPassword) throws Exception {
        return startWithSampleData(PostgresBinaries.of(version), newPassword);
    }

    /**
     * The image's server on its PGDATA with the testkit's sample data only: no superuser password,
     * nothing in the state store.
     *
     * @param version zonky version of the image
     * @return the cluster's fingerprint
     */
    public ClusterFingerprint startWithSampleDataOnly(String version) throws Exception {
        return startFromTemplate(PostgresBinaries.of(version), SampleClusters.Kind.SAMPLE_DATA);
    }

    private ClusterFingerprint startFromTemplate(PostgresBinaries image, SampleClusters.Kind kind) throws Exception {
        SampleClusters.Template template = SampleClusters.get(image, kind);
        startServerFrom(template.dataDirectory(), image);
        return template.fingerprint();
    }

    /** @return the server started last and not stopped since, or null */
    public PostgresServer server() {
        return running;
    }

    /** @param version the image's server @return the environment the hooks run with */
    public Map<String, String> environment(String version) {
        return environment(PostgresBinaries.of(version));
    }

    /** @param image the image's server programs @return the environment the hooks run with */
    public Map<String, String> environment(PostgresBinaries image) {
        String version = image.version();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", image.bin() + ":" + ClientTools.locate().directory()
                + ":/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("PGDATA", pgdata(version).toString());
        env.put("DOGU_UPGRADE_BACKUP_DIR", backup.toString());
        env.put("DOGU_UPGRADE_STATE_STORE", "file:" + stateFile);
        env.put("DOGU_UPGRADE_LOCK_FILE", root.resolve("dogu-upgrade.lock").toString());
        env.put("DOGU_UPGRADE_WAIT_TIMEOUT", "300");
        env.put("HOME", root.toString());
        env.put("LANG", "C.UTF-8");
        if (running != null) {
            env.put("PGHOST", running.socketDirectory().toString());
            env.put("PGPORT", Integer.toString(running.port()));
            env.put("PGUSER", running.superuser());
        }
        return env;
    }

    /** @return the state store the CLI uses */
    public StateStore state() {
        return state;
    }

    /** @return the data volume (the dogu's {@code /var/lib/postgresql}) */
    public Path volume() {
        return volume;
    }

    /** @return the backup directory on the volume */
    public Path backupDirectory() {
        return backup;
    }

    /** @return the directory holding everything (volume, config, logs) */
    public Path root() {
        return root;
    }

    /** @return this dogu's layout */
    public Layout layout() {
        return layout;
    }

    /** @param password the superuser password the new image's cluster gets (state key {@code password}) */
    public void setPassword(String password) {
        state.set(StateKeys.PASSWORD, password);
    }

    /**
     * @return the volume's top-level entries, one per line, sorted; a directory holding a cluster in
     *     {@code docker/} is shown with it, and the volume root's own cluster is named first
     */
    public String volumeListing() throws IOException {
        StringBuilder out = new StringBuilder();
        major(volume).ifPresent(m -> out.append("(the volume root is a PostgreSQL ").append(m).append(" cluster)\n"));
        try (Stream<Path> s = Files.list(volume)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && major(p.resolve("docker")).isPresent()) {
                    out.append(name).append("/docker/  (PostgreSQL ").append(major(p.resolve("docker")).get())
                            .append(" cluster)\n");
                } else {
                    out.append(name).append(Files.isDirectory(p) ? "/" : "").append('\n');
                }
            }
        }
        return out.toString();
    }

    private static java.util.Optional<String> major(Path dir) throws IOException {
        Path v = dir.resolve("PG_VERSION");
        return Files.isRegularFile(v) ? java.util.Optional.of(Files.readString(v).strip()) : java.util.Optional.empty();
    }

    @Override
    public void close() {
        stopServer();
    }
}
