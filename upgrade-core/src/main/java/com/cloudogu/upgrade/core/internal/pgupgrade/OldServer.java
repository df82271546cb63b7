package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old cluster served by the carried-over old server inside the new container: on a private Unix
 * socket in a directory of its own ({@value #SOCKET_PREFIX}…, only root and the database OS user may
 * enter), with a {@code trust} host-based authentication file for that socket alone and no TCP.
 * Started with {@code pg_ctl}, so the server outlives a killed dogu-upgrade; {@link #stopLeftover}
 * recognises such a server by its live pid and its socket directory and stops it cleanly before
 * anything else looks at the old cluster.
 */
public final class OldServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OldServer.class);
    /** The name prefix of an old server's socket directory. */
    static final String SOCKET_PREFIX = "dogu-upgrade-old-";
    private static final int PORT = 5432;
    private static final Duration PG_CTL_WAIT = Duration.ofMinutes(10);

    private final InstallationProbe old;
    private final Path data;
    private final ServerOwner owner;
    private final ProcessRunner runner;
    private final Path socketDirectory;
    private boolean running;

    private OldServer(InstallationProbe old, Path data, ServerOwner owner, ProcessRunner runner, Path socketDirectory) {
        this.old = old;
        this.data = data;
        this.owner = owner;
        this.runner = runner;
        this.socketDirectory = socketDirectory;
    }

    /**
     * Starts the old server on the old cluster and waits until it accepts connections.
     *
     * @param old the probed old installation (programs and their library overlay)
     * @param data the old cluster, not running
     * @param owner the database OS user
     * @param runner runs {@code pg_ctl}
     * @param log the server's log file (its directory must exist)
     * @param settings extra settings, passed as {@code -c name=value}
     * @return the running server; close it to stop it
     */
    public static OldServer start(InstallationProbe old, Path data, ServerOwner owner, ProcessRunner runner, Path log,
                                  Map<String, String> settings) {
        long t0 = System.nanoTime();
        Path socket;
        try {
            Files.deleteIfExists(data.resolve("postmaster.pid")); // only after stopLeftover: nothing runs on it
            socket = Files.createTempDirectory(SOCKET_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(socket.resolve("pg_hba.conf"), "# dogu-upgrade: the old server, private socket only\n"
                    + "local all all trust\n");
            owner.chown(socket);
            Files.createDirectories(log.getParent());
            owner.chown(log.getParent());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot prepare the start of the old server on " + data
                    + ": " + e.getMessage(), e);
        }
        OldServer server = new OldServer(old, data, owner, runner, socket);
        List<String> options = new ArrayList<>(List.of("-p " + PORT, "-c listen_addresses=''",
                "-c unix_socket_directories='" + socket + "'", "-c hba_file='" + socket.resolve("pg_hba.conf") + "'",
                "-c logging_collector=off"));
        settings.forEach((k, v) -> options.add("-c " + k + "='" + v + "'"));
        try {
            server.pgCtl("start", "-w", "-t", Long.toString(PG_CTL_WAIT.toSeconds()), "-o", String.join(" ", options),
                    "-l", log.toString());
        } catch (RuntimeException e) {
            server.removeSocketDirectory();
            throw new UpgradeException(ErrorCode.SERVER, "The old PostgreSQL " + old.major() + " server did not start"
                    + " on " + data + ": " + lastFatal(log).orElse(e.getMessage()) + " (its log: " + log + ").", e);
        }
        server.running = true;
        LOG.info("old PostgreSQL {} server started on {} in {} ms (socket {}, no TCP)", old.major(), data,
                (System.nanoTime() - t0) / 1_000_000, socket);
        return server;
    }

    /**
     * Stops an old server that a killed earlier attempt left running on {@code data}. A pid file with
     * another socket directory is the old container's, whose pid means nothing in this container.
     *
     * @param old the probed old installation
     * @param data the old cluster
     * @param owner the database OS user
     * @param runner runs {@code pg_ctl}
     * @return whether a leftover server was stopped
     */
    public static boolean stopLeftover(InstallationProbe old, Path data, ServerOwner owner, ProcessRunner runner) {
        Path pidFile = data.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
        } catch (IOException e) {
            return false;
        }
        if (lines.isEmpty() || !alive(lines.get(0).strip())) {
            return false; // no server, or a crashed one's pid file: recovery handles that
        }
        String socket = lines.size() > 4 ? lines.get(4).strip() : "";
        if (socket.isEmpty() || !Path.of(socket).getFileName().toString().startsWith(SOCKET_PREFIX)) {
            // The old container's server: its pid belongs to another pid namespace (often 1), so a live
            // process here says nothing; the container is gone when the new one runs.
            return false;
        }
        LOG.warn("stopping the old server (pid {}) left running on {} by an interrupted earlier attempt",
                lines.get(0).strip(), data);
        OldServer leftover = new OldServer(old, data, owner, runner, Path.of(socket));
        leftover.running = true;
        leftover.stop();
        return true;
    }

    /** The server's own reason, e.g. {@code FATAL:  could not access file "x": No such file or directory}. */
    private static java.util.Optional<String> lastFatal(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("FATAL:")).reduce((a, b) -> b)
                    .map(l -> l.substring(l.indexOf("FATAL:")).replaceAll("\\s+", " ").strip());
        } catch (IOException | java.io.UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** @return the private socket directory (for client programs: {@code -h}) */
    public Path socketDirectory() {
        return socketDirectory;
    }

    /** @return the port that names the socket file (for client programs: {@code -p}) */
    public int port() {
        return PORT;
    }

    /** @return the old cluster this server runs on */
    public Path dataDirectory() {
        return data;
    }

    /** Stops the server with a fast shutdown (a clean shutdown checkpoint). Idempotent. */
    public void stop() {
        if (!running) {
            return;
        }
        long t0 = System.nanoTime();
        pgCtl("stop", "-w", "-t", Long.toString(PG_CTL_WAIT.toSeconds()), "-m", "fast");
        running = false;
        removeSocketDirectory();
        LOG.info("old server on {} stopped in {} ms", data, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public void close() {
        stop();
    }

    private void removeSocketDirectory() {
        try (Stream<Path> files = Files.list(socketDirectory)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(socketDirectory);
        } catch (IOException ignored) {
            // a leftover empty directory in the temporary directory is harmless
        }
    }

    private void pgCtl(String... args) {
        Command.Builder cmd = Command.of(old.bin().resolve("pg_ctl").toString(), "-D", data.toString()).args(args)
                .runAs(owner.name()).timeout(PG_CTL_WAIT.plusMinutes(1)).label("pg_ctl");
        old.environment().forEach(cmd::env);
        runner.runChecked(cmd.build(), ErrorCode.SERVER, "pg_ctl " + args[0] + " the old cluster");
    }
}
