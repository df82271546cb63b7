package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.process.RunningProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started only for the duration of a phase: it listens on a private Unix socket
 * in a directory only root and the database OS user can enter, never on TCP, and uses its own
 * {@code trust} host-based authentication file for that socket so no password is needed or exposed.
 * A server left behind by a killed earlier run is recognised by its socket directory and stopped
 * before a new one starts.
 */
public final class TemporaryServer implements DatabaseServer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryServer.class);
    static final String RUNTIME_PREFIX = "dogu-upgrade-";
    private static final int PORT = 5432;

    private final PostgresInstallation installation;
    private final DataDirectory data;
    private final ServerOwner owner;
    private final String superuser;
    private final ProcessRunner runner;
    private final Duration startTimeout;
    private final Path runtimeDirectory;
    private RunningProcess process;
    private Map<String, String> settings = Map.of();
    private final Thread shutdownHook = new Thread(this::stopQuietly, "dogu-upgrade-stop-server");

    private TemporaryServer(PostgresInstallation installation, DataDirectory data, ServerOwner owner,
                            String superuser, ProcessRunner runner, Duration startTimeout, Path runtimeDirectory) {
        this.installation = installation;
        this.data = data;
        this.owner = owner;
        this.superuser = superuser;
        this.runner = runner;
        this.startTimeout = startTimeout;
        this.runtimeDirectory = runtimeDirectory;
    }

    /**
     * Starts a temporary server on an initialized data directory and waits until it accepts connections.
     *
     * @param installation the server programs
     * @param data the cluster
     * @param owner the database OS user
     * @param superuser the bootstrap superuser to connect as
     * @param runner runs the server and {@code pg_ctl}
     * @param startTimeout how long to wait for the server to accept connections
     * @return the running server; close it to stop it
     */
    public static TemporaryServer start(PostgresInstallation installation, DataDirectory data, ServerOwner owner,
                                        String superuser, ProcessRunner runner, Duration startTimeout) {
        return start(installation, data, owner, superuser, runner, startTimeout, Map.of());
    }

    /**
     * Like {@link #start(PostgresInstallation, DataDirectory, ServerOwner, String, ProcessRunner, Duration)}, with
     * extra server settings passed as {@code -c name=value} (they override the cluster's configuration files).
     *
     * @param installation the server programs
     * @param data the cluster
     * @param owner the database OS user
     * @param superuser the bootstrap superuser to connect as
     * @param runner runs the server and {@code pg_ctl}
     * @param startTimeout how long to wait for the server to accept connections
     * @param settings extra settings, e.g. {@link RestoreSettings#forRestore(int)}; empty for none
     * @return the running server; close it to stop it
     */
    public static TemporaryServer start(PostgresInstallation installation, DataDirectory data, ServerOwner owner,
                                        String superuser, ProcessRunner runner, Duration startTimeout,
                                        Map<String, String> settings) {
        TemporaryServer server = prepare(installation, data, owner, superuser, runner, startTimeout, settings);
        server.startProcess();
        return server;
    }

    /**
     * Like {@link #start(PostgresInstallation, DataDirectory, ServerOwner, String, ProcessRunner, Duration, Map)}
     * without starting the server: for a restore that first works on the stopped target (pg_upgrade),
     * so that the server does not start only to be stopped again. {@link #restartWith} or
     * {@link #ensureRunning} starts it.
     *
     * @param installation the server programs
     * @param data the cluster
     * @param owner the database OS user
     * @param superuser the bootstrap superuser to connect as
     * @param runner runs the server and {@code pg_ctl}
     * @param startTimeout how long to wait for the server to accept connections
     * @param settings the extra settings it starts with, unless {@link #restartWith} sets others
     * @return the stopped server; close it to stop it once it runs
     */
    public static TemporaryServer prepare(PostgresInstallation installation, DataDirectory data, ServerOwner owner,
                                          String superuser, ProcessRunner runner, Duration startTimeout,
                                          Map<String, String> settings) {
        new StaleServer(data, owner, runner, installation).stopIfOurs();
        TemporaryServer server = new TemporaryServer(installation, data, owner, superuser, runner, startTimeout,
                createRuntimeDirectory(owner));
        server.settings = Map.copyOf(settings);
        return server;
    }

    /** Starts the server with its current settings unless it runs. */
    public void ensureRunning() {
        if (process == null) {
            startProcess();
        }
    }

    /**
     * Stops the server with a fast shutdown (a clean shutdown checkpoint), runs {@code whileStopped}
     * (e.g. flushing the data directory to disk), and starts it again on the same socket with other
     * settings. Used to leave restore-time settings before anything is kept. A server that was only
     * {@linkplain #prepare prepared} just runs {@code whileStopped} and starts.
     *
     * @param newSettings the extra settings from now on; empty for the cluster's own configuration
     * @param whileStopped runs while no server runs on the data directory
     */
    public void restartWith(Map<String, String> newSettings, Runnable whileStopped) {
        if (process != null) {
            shutdown();
        }
        whileStopped.run();
        settings = Map.copyOf(newSettings);
        startProcess();
    }

    /** @return the extra settings the server runs with (empty: the cluster's own configuration) */
    public Map<String, String> settings() {
        return settings;
    }

    private static Path createRuntimeDirectory(ServerOwner owner) {
        try {
            Path runtime = Files.createTempDirectory(RUNTIME_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(runtime.resolve("pg_hba.conf"), "# dogu-upgrade temporary server: private socket only\n"
                    + "local all all trust\n");
            owner.chown(runtime);
            return runtime;
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.SERVER, "Cannot create the temporary server's socket directory: "
                    + e.getMessage(), e);
        }
    }

    private void startProcess() {
        long t0 = System.nanoTime();
        List<String> args = new ArrayList<>(List.of("-D", data.path().toString(),
                "-p", Integer.toString(PORT),
                "-c", "listen_addresses=",
                "-c", "unix_socket_directories=" + runtimeDirectory,
                "-c", "hba_file=" + runtimeDirectory.resolve("pg_hba.conf"),
                "-c", "logging_collector=off"));
        settings.forEach((name, value) -> args.addAll(List.of("-c", name + "=" + value)));
        process = runner.start(Command.of(installation.program("postgres").toString()).args(args)
                .runAs(owner.name()).label("postgres").build());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (process.hasExited()) {
                cleanupRuntime();
                throw new UpgradeException(ErrorCode.SERVER, "The temporary PostgreSQL " + installation.version()
                        + " server on " + data.path() + " exited during start-up (code " + process.exitCode() + "): "
                        + process.lastErrorLine());
            }
            try (Connection c = connect("template1")) {
                LOG.info("temporary PostgreSQL {} server on {} ready after {} ms (socket {}, no TCP{})",
                        installation.version(), data.path(), (System.nanoTime() - t0) / 1_000_000, runtimeDirectory,
                        settings.isEmpty() ? "" : ", " + new java.util.TreeMap<>(settings));
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        stopQuietly();
        throw new UpgradeException(ErrorCode.TIMEOUT, "The temporary PostgreSQL server on " + data.path()
                + " did not accept connections within " + startTimeout.toSeconds() + " s"
                + (last != null ? " (" + last.getMessage() + ")" : "") + ".");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(ErrorCode.SERVER, "Interrupted while waiting for the temporary server.", e);
        }
    }

    @Override
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", superuser);
        p.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
        p.setProperty("socketFactoryArg", runtimeDirectory.resolve(".s.PGSQL." + PORT).toString());
        p.setProperty("ApplicationName", "dogu-upgrade");
        p.setProperty("connectTimeout", "10");
        String db = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + PORT + "/" + db, p);
    }

    @Override
    public List<String> connectableDatabases() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect("template1"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn"
                     // -2 marks a database left invalid by an interrupted DROP DATABASE: not connectable.
                     + " AND datconnlimit <> -2 AND datname <> 'template0' ORDER BY datname COLLATE \"C\"")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Override
    public int majorVersion() {
        return installation.major();
    }

    @Override
    public int versionNumber() {
        try (Connection c = connect("template1"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new UpgradeException(ErrorCode.SERVER, "Cannot read server_version_num: " + e.getMessage(), e);
        }
    }

    @Override
    public String superuser() {
        return superuser;
    }

    @Override
    public Path shareDirectory() {
        return installation.shareDirectory();
    }

    @Override
    public Path binDirectory() {
        return installation.binDirectory();
    }

    /** @return the private socket directory (for client tools: {@code -h}) */
    public Path socketDirectory() {
        return runtimeDirectory;
    }

    /** @return the port that names the socket file (for client tools: {@code -p}) */
    public int port() {
        return PORT;
    }

    /** @return the data directory this server runs on */
    public DataDirectory dataDirectory() {
        return data;
    }

    /** Stops the server with a fast shutdown and removes its socket directory. Idempotent. */
    public void stop() {
        try {
            if (process != null) {
                shutdown();
            }
        } finally {
            cleanupRuntime();
        }
    }

    private void shutdown() {
        long t0 = System.nanoTime();
        try {
            if (!process.hasExited()) {
                runner.run(Command.of(installation.program("pg_ctl").toString(), "stop", "-D", data.path().toString(),
                        "-m", "fast", "-w", "-t", "120").runAs(owner.name()).timeout(Duration.ofMinutes(3)).build());
                if (!process.waitFor(Duration.ofSeconds(30))) {
                    LOG.warn("temporary server did not exit after pg_ctl stop; killing it");
                    process.kill();
                }
            }
            LOG.info("temporary server on {} stopped in {} ms", data.path(), (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.kill();
        } finally {
            process = null;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: this is the hook itself
            }
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("could not stop the temporary server cleanly: {}", e.getMessage());
        }
    }

    private void cleanupRuntime() {
        try (var s = Files.list(runtimeDirectory)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(runtimeDirectory);
        } catch (IOException ignored) {
            // a leftover empty directory in /tmp is harmless
        }
    }

    @Override
    public void close() {
        stop();
    }
}
