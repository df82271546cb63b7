package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.OsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster of one {@link PostgresInstallation}, run as the server OS user on a Unix socket only
 * (the port just names the socket file in a private directory, so parallel builds cannot collide).
 */
final class LocalCluster implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path bin;
    private final Path clientBin;
    private final Path dataDirectory;
    private final Path socketDirectory;
    private final int port;
    private boolean running;

    LocalCluster(PostgresInstallation installation, Path dataDirectory, Path socketDirectory, int port) {
        this(installation.bin(), installation.bin(), dataDirectory, socketDirectory, port);
    }

    /**
     * @param bin where {@code initdb} and {@code pg_ctl} are
     * @param clientBin where {@code psql} is (zonky servers have none)
     */
    LocalCluster(Path bin, Path clientBin, Path dataDirectory, Path socketDirectory, int port) {
        this.bin = bin;
        this.clientBin = clientBin;
        this.dataDirectory = dataDirectory;
        this.socketDirectory = socketDirectory;
        this.port = port;
    }

    /** A fresh directory under the temp dir that the server OS user owns (JUnit's @TempDir is root 0700). */
    static Path serverOwnedDirectory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        OsUser.chownRecursive(dir, OsUser.serverUser());
        return dir;
    }

    /** Runs a program of any installation as the server OS user; throws with its output on failure. */
    static String runAsServerUser(Path workingDirectory, List<String> command) {
        return Command.check(OsUser.asUser(OsUser.serverUser(), command), workingDirectory, Map.of(), TIMEOUT);
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    int port() {
        return port;
    }

    void initdb(String... extra) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-D",
                dataDirectory.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        command.addAll(List.of(extra));
        runAsServerUser(socketDirectory, command);
    }

    void start() {
        runAsServerUser(socketDirectory, List.of(bin.resolve("pg_ctl").toString(), "-D",
                dataDirectory.toString(), "-l", dataDirectory + ".log", "-w", "-t", "120", "-o",
                "-p " + port + " -k " + socketDirectory + " -c listen_addresses='' -c fsync=off", "start"));
        running = true;
    }

    void stop() {
        runAsServerUser(socketDirectory, List.of(bin.resolve("pg_ctl").toString(), "-D",
                dataDirectory.toString(), "-m", "fast", "-w", "stop"));
        running = false;
    }

    /** @return psql's unaligned, tuples-only output of {@code sql} */
    String psql(String sql) {
        return runAsServerUser(socketDirectory, List.of(clientBin.resolve("psql").toString(), "-X", "-q", "-At",
                "-v", "ON_ERROR_STOP=1", "-h", socketDirectory.toString(), "-p", Integer.toString(port), "-U",
                "postgres", "-d", "postgres", "-c", sql)).strip();
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }
}
