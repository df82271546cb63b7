package com.cloudogu.upgrade.testkit;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server on {@link PostgresBinaries}, for tests.
 *
 * <p>It listens on a private Unix socket directory and on {@code 127.0.0.1} at a free port; tests
 * connect over TCP. When the JVM runs as root, {@code initdb} and {@code pg_ctl} run as the OS user
 * {@code postgres}, and every directory the server uses is owned by that user.
 *
 * <pre>{@code
 * try (PostgresServer server = PostgresServer.builder("14.10.0").start()) {
 *     server.execute("postgres", "CREATE TABLE t (id int)");
 *     server.restartWith(PostgresBinaries.of("14.15.0")); // minor upgrade on the same data directory
 * }
 * }</pre>
 *
 * <p>Closing stops the server and deletes the temporary directories it created (never a data
 * directory the caller passed in). Servers still open when the JVM exits are closed by a shutdown
 * hook. Durability is traded for speed by default ({@code fsync=off}, {@code initdb --no-sync});
 * override with {@link Builder#setting(String, String)}.
 */
public final class PostgresServer implements RunningServer, DatabaseServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final String superuser;
    private final String superuserPassword;
    private final String osUser;
    private final String encoding;
    private final String locale;
    private final String authentication;
    private final Boolean dataChecksums;
    private final List<String> initdbArguments;
    private final Map<String, String> settings;
    private final Duration startTimeout;
    private final Path requestedDataDirectory;

    private volatile PostgresBinaries binaries;
    private Path workDirectory;
    private Path dataDirectory;
    private volatile int port = -1;
    private volatile boolean running;
    private boolean closed;

    private PostgresServer(Builder builder) {
        this.binaries = builder.binaries;
        this.superuser = builder.superuser;
        this.superuserPassword = builder.superuserPassword;
        this.osUser = builder.osUser != null ? builder.osUser : OsUser.serverUser();
        this.encoding = builder.encoding;
        this.locale = builder.locale;
        this.authentication = builder.authentication;
        this.dataChecksums = builder.dataChecksums;
        this.initdbArguments = List.copyOf(builder.initdbArguments);
        this.settings = Map.copyOf(builder.settings);
        this.startTimeout = builder.startTimeout;
        this.requestedDataDirectory = builder.dataDirectory;
    }

    /**
     * @param binaries the installation to run
     * @return a builder with defaults: fresh temporary data directory, UTF8, locale {@code C.UTF-8},
     *     trust authentication, superuser {@code postgres}
     */
    public static Builder builder(PostgresBinaries binaries) {
        return new Builder(Objects.requireNonNull(binaries, "binaries"));
    }

    /**
     * @param version a zonky version, e.g. {@code 17.6.0}; resolved with {@link PostgresBinaries#of}
     * @return a builder with defaults as in {@link #builder(PostgresBinaries)}
     */
    public static Builder builder(String version) {
        return builder(PostgresBinaries.of(version));
    }

    /**
     * Starts the server, initializing the data directory first if it holds no cluster yet. Does
     * nothing if it is already running.
     *
     * @return this server
     * @throws UpgradeException if initdb or the start failed (the message includes the server log)
     * @throws IllegalStateException if the server was closed or the data directory is unusable
     */
    public synchronized PostgresServer start() {
        if (closed) {
            throw new IllegalStateException("This server was closed; build a new one");
        }
        if (running) {
            return this;
        }
        try {
            prepareDirectories();
            if (isInitialized()) {
                requireSameMajor(binaries);
                // A caller-provided directory may have been copied or created by root.
                OsUser.chownRecursive(dataDirectory, osUser);
            } else {
                initdb();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the data directory " + dataDirectory, e);
        }
        launch();
        ShutdownCleanup.register(this);
        return this;
    }

    /**
     * Stops the server with a fast shutdown (open sessions are ended, then a clean checkpoint).
     * Does nothing if it is not running.
     *
     * @throws UpgradeException if {@code pg_ctl stop} failed while the server is still running
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long started = System.nanoTime();
        CommandRunner.Result result = CommandRunner.run("Stopping PostgreSQL " + binaries.version(),
                pgCtl("-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds()),
                        "-s", "stop"),
                workDirectory, STOP_TIMEOUT.plusSeconds(10));
        if (result.exitCode() != 0 && Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            throw new UpgradeException(ErrorCode.SERVER, "Could not stop PostgreSQL " + binaries.version() + " in "
                    + dataDirectory + ":\n" + result.output().strip() + logTail());
        }
        running = false;
        LOG.info("Stopped PostgreSQL {} in {} ms", binaries.version(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Stops the server and starts it again on the same data directory with other binaries of the
     * same major: a minor upgrade. The port stays the same if it is still free.
     *
     * @param next the binaries to run from now on
     * @return this server, running
     * @throws IllegalStateException if {@code next} is of another major than the data directory
     */
    public synchronized PostgresServer restartWith(PostgresBinaries next) {
        Objects.requireNonNull(next, "next");
        if (isInitialized()) {
            requireSameMajor(next);
        }
        stop();
        LOG.info("Switching {} from PostgreSQL {} to {}", dataDirectory, binaries.version(), next.version());
        binaries = next;
        return start();
    }

    /**
     * Stops the server (if running) and deletes the temporary directories created for it, including
     * the default data directory but never one the caller passed in. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.error("Could not stop PostgreSQL {} cleanly; killing it", binaries.version(), e);
            kill();
        }
        ShutdownCleanup.unregister(this);
        if (workDirectory != null) {
            try {
                FileTrees.deleteRecursively(workDirectory);
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", workDirectory, e.toString());
            }
        }
    }

    /** @return whether the server is running */
    public boolean isRunning() {
        return running;
    }

    /** @return the binaries the server runs on (changes with {@link #restartWith}) */
    public PostgresBinaries binaries() {
        return binaries;
    }

    @Override
    public String version() {
        return binaries.version();
    }

    @Override
    public int majorVersion() {
        return binaries.major();
    }

    @Override
    public int versionNumber() {
        return binaries.versionNumber();
    }

    @Override
    public String superuser() {
        return superuser;
    }

    /** @return the OS user the server process runs as */
    public String osUser() {
        return osUser;
    }

    @Override
    public Path shareDirectory() {
        return binaries.share();
    }

    @Override
    public Path binDirectory() {
        return binaries.bin();
    }

    /**
     * @return the TCP port on {@code 127.0.0.1}
     * @throws IllegalStateException if the server was never started
     */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("The server has not been started yet");
        }
        return port;
    }

    /** @return the directory holding the server's Unix socket ({@code .s.PGSQL.<port>}) */
    public Path socketDirectory() {
        requireStartedOnce();
        return workDirectory.resolve("socket");
    }

    /** @return the data directory (PGDATA) */
    public Path dataDirectory() {
        requireStartedOnce();
        return dataDirectory;
    }

    /** @return the server log written by {@code pg_ctl -l} */
    public Path logFile() {
        requireStartedOnce();
        return workDirectory.resolve("postgresql.log");
    }

    @Override
    public String jdbcUrl(String database) {
        String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + encoded;
    }

    @Override
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", superuser);
        if (superuserPassword != null) {
            properties.setProperty("password", superuserPassword);
        }
        properties.setProperty("ApplicationName", "dogu-upgrade-testkit");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    @Override
    public List<String> connectableDatabases() throws SQLException {
        return RunningServer.super.connectableDatabases();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + binaries.version() + (port > 0 ? " on 127.0.0.1:" + port : "")
                + (dataDirectory != null ? ", data " + dataDirectory : "") + (running ? ", running" : "") + "]";
    }

    private void prepareDirectories() throws IOException {
        if (workDirectory != null) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        workDirectory = Files.createTempDirectory(tmp, "dogu-pg-");
        Files.createDirectory(workDirectory.resolve("socket"));
        if (requestedDataDirectory == null) {
            dataDirectory = workDirectory.resolve("data");
            Files.createDirectory(dataDirectory);
        } else {
            dataDirectory = requestedDataDirectory.toAbsolutePath();
            OsUser.requireTraversable(dataDirectory, osUser);
            if (!Files.isDirectory(dataDirectory)) {
                Files.createDirectories(dataDirectory);
            }
            if (!isInitialized() && !isEmpty(dataDirectory)) {
                throw new IllegalStateException("Data directory " + dataDirectory + " is neither empty nor a "
                        + "PostgreSQL cluster (no PG_VERSION); pass an empty or initialized directory");
            }
            if (!isInitialized()) {
                OsUser.chownRecursive(dataDirectory, osUser);
                Files.setPosixFilePermissions(dataDirectory, FilePermissions.fromMode(0700));
            }
        }
        // PostgreSQL insists on 0700 for PGDATA; the socket directory is private to the server user.
        for (Path dir : List.of(workDirectory, workDirectory.resolve("socket"))) {
            Files.setPosixFilePermissions(dir, FilePermissions.fromMode(0700));
        }
        OsUser.requireTraversable(workDirectory, osUser);
        OsUser.chownRecursive(workDirectory, osUser);
    }

    private void initdb() throws IOException {
        List<String> args = new ArrayList<>(List.of("-D", dataDirectory.toString(), "-U", superuser, "-E", encoding,
                "--locale=" + locale, "--auth=" + authentication, "--no-sync"));
        if (Boolean.TRUE.equals(dataChecksums)) {
            args.add("--data-checksums");
        } else if (Boolean.FALSE.equals(dataChecksums) && binaries.major() >= 18) {
            // From 18 on, initdb enables checksums unless told otherwise.
            args.add("--no-data-checksums");
        }
        Path passwordFile = null;
        if (superuserPassword != null) {
            passwordFile = workDirectory.resolve("superuser.pw");
            Files.writeString(passwordFile, superuserPassword + "\n");
            OsUser.chownRecursive(passwordFile, osUser);
            args.add("--pwfile=" + passwordFile);
        }
        args.addAll(initdbArguments);
        long started = System.nanoTime();
        try {
            List<String> command = new ArrayList<>(List.of(binaries.tool("initdb").toString()));
            command.addAll(args);
            CommandRunner.runChecked("initdb for PostgreSQL " + binaries.version(), OsUser.asUser(osUser, command),
                    workDirectory, INITDB_TIMEOUT);
        } finally {
            if (passwordFile != null) {
                Files.deleteIfExists(passwordFile);
            }
        }
        LOG.info("Initialized PostgreSQL {} cluster in {} ({} ms)", binaries.version(), dataDirectory,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void launch() {
        for (int attempt = 1; ; attempt++) {
            if (port < 0 || attempt > 1) {
                port = freePort();
            }
            long started = System.nanoTime();
            CommandRunner.Result result = CommandRunner.run("Starting PostgreSQL " + binaries.version(),
                    pgCtl("-D", dataDirectory.toString(), "-l", logFile().toString(), "-w", "-t",
                            Long.toString(startTimeout.toSeconds()), "-s", "-o", serverOptions(), "start"),
                    workDirectory, startTimeout.plusSeconds(10));
            if (result.exitCode() == 0) {
                running = true;
                LOG.info("Started PostgreSQL {} on 127.0.0.1:{} in {} ms (data {})", binaries.version(), port,
                        (System.nanoTime() - started) / 1_000_000, dataDirectory);
                return;
            }
            String log = logTail();
            // A start that timed out may leave a postmaster behind.
            kill();
            // Another process may have taken the port between our probe and the bind.
            if (attempt < START_ATTEMPTS && log.contains("could not bind")) {
                LOG.warn("Port {} was taken meanwhile; retrying on another port", port);
                continue;
            }
            throw new UpgradeException(ErrorCode.SERVER, "PostgreSQL " + binaries.version() + " did not start on "
                    + dataDirectory + " (exit code " + result.exitCode() + "): " + result.output().strip() + log);
        }
    }

    private String serverOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("listen_addresses", "127.0.0.1");
        options.put("unix_socket_directories", socketDirectory().toString());
        options.put("fsync", "off");
        options.put("full_page_writes", "off");
        options.put("synchronous_commit", "off");
        options.putAll(settings);
        // pg_ctl hands -o to /bin/sh, so each word is shell-quoted.
        StringBuilder line = new StringBuilder("-p ").append(port);
        options.forEach((name, value) -> line.append(" -c ").append(shellQuote(name + "=" + value)));
        return line.toString();
    }

    private List<String> pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(binaries.tool("pg_ctl").toString()));
        command.addAll(List.of(args));
        return OsUser.asUser(osUser, command);
    }

    // Last resort after a failed start or stop: no postmaster may outlive the test.
    private void kill() {
        if (dataDirectory == null || !Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            running = false;
            return;
        }
        CommandRunner.run("Killing PostgreSQL " + binaries.version(),
                pgCtl("-D", dataDirectory.toString(), "-m", "immediate", "-w", "-s", "stop"), workDirectory,
                STOP_TIMEOUT);
        running = false;
    }

    private boolean isInitialized() {
        return dataDirectory != null && Files.isRegularFile(dataDirectory.resolve("PG_VERSION"));
    }

    private void requireSameMajor(PostgresBinaries candidate) {
        String clusterMajor;
        try {
            clusterMajor = Files.readString(dataDirectory.resolve("PG_VERSION")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read PG_VERSION in " + dataDirectory, e);
        }
        if (!clusterMajor.equals(Integer.toString(candidate.major()))) {
            throw new IllegalStateException("Data directory " + dataDirectory + " belongs to PostgreSQL "
                    + clusterMajor + "; PostgreSQL " + candidate.version() + " cannot run it. A major upgrade needs "
                    + "a dump and restore (or pg_upgrade) into a new cluster");
        }
    }

    private String logTail() {
        Path log = workDirectory == null ? null : workDirectory.resolve("postgresql.log");
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - 30), lines.size());
            return "\nServer log " + log + " (last lines):\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "\n(server log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private void requireStartedOnce() {
        if (workDirectory == null) {
            throw new IllegalStateException("The server has not been started yet");
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on 127.0.0.1", e);
        }
    }

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Options for a {@link PostgresServer}; {@link #start()} creates and starts it. */
    public static final class Builder {

        private final PostgresBinaries binaries;
        private Path dataDirectory;
        private String superuser = "postgres";
        private String superuserPassword;
        private String osUser;
        private String encoding = "UTF8";
        private String locale = "C.UTF-8";
        private String authentication = "trust";
        private Boolean dataChecksums;
        private final List<String> initdbArguments = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder(PostgresBinaries binaries) {
            this.binaries = binaries;
        }

        /**
         * Uses this data directory instead of a fresh temporary one. An empty or missing directory is
         * initialized; an initialized one (it has {@code PG_VERSION}) is reused as is, e.g. to start
         * newer minor binaries on a cluster an older minor created. The server never deletes it.
         *
         * @param directory the data directory (PGDATA)
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param name the bootstrap superuser ({@code initdb -U}), default {@code postgres}
         * @return this builder
         */
        public Builder superuser(String name) {
            this.superuser = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param password the bootstrap superuser's password ({@code initdb --pwfile}); connections
         *     send it. Default: none (trust authentication needs none)
         * @return this builder
         */
        public Builder superuserPassword(String password) {
            this.superuserPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * @param user the OS user the server runs as; default {@code postgres} when the JVM is root,
         *     the JVM's user otherwise
         * @return this builder
         */
        public Builder osUser(String user) {
            this.osUser = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * @param encoding the cluster encoding ({@code initdb -E}), default {@code UTF8}
         * @return this builder
         */
        public Builder encoding(String encoding) {
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /**
         * @param locale the cluster locale ({@code initdb --locale}), default {@code C.UTF-8}
         * @return this builder
         */
        public Builder locale(String locale) {
            this.locale = Objects.requireNonNull(locale, "locale");
            return this;
        }

        /**
         * @param method the authentication method for local and host connections
         *     ({@code initdb --auth}), default {@code trust}; password methods need
         *     {@link #superuserPassword(String)}
         * @return this builder
         */
        public Builder authentication(String method) {
            this.authentication = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * @param enabled whether initdb enables data checksums. Default: initdb's own default (off
         *     before 18, on from 18), like the official image
         * @return this builder
         */
        public Builder dataChecksums(boolean enabled) {
            this.dataChecksums = enabled;
            return this;
        }

        /**
         * @param argument an extra initdb argument, e.g. {@code --wal-segsize=32}
         * @return this builder
         */
        public Builder initdbArgument(String argument) {
            this.initdbArguments.add(Objects.requireNonNull(argument, "argument"));
            return this;
        }

        /**
         * @param name a server setting, passed as {@code -c name=value}
         * @param value its value; overrides the defaults ({@code fsync=off}, {@code
         *     full_page_writes=off}, {@code synchronous_commit=off}) and the listen settings
         * @return this builder
         */
        public Builder setting(String name, String value) {
            this.settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param timeout how long {@code pg_ctl start} may wait for the server to accept connections
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Creates the server, initializes its data directory if needed and starts it.
         *
         * @return the running server; close it when done
         */
        public PostgresServer start() {
            PostgresServer server = new PostgresServer(this);
            try {
                return server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
