package com.cloudogu.upgrade.cli.it;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.state.StateStores;
import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL dogu laid out in a directory, as the container sees it: a data directory, a backup
 * directory, a file state store and a lock file. The "image" is chosen per CLI run by the server
 * binaries put first on {@code PATH}; the client tools come from Debian's postgresql-15.
 */
public final class EmbeddedDogu implements AutoCloseable {

    private final Path root;
    private final Path data;
    private final Path backup;
    private final Path stateFile;
    private final Path logs;
    private final StateStore state;
    private PostgresServer running;

    private EmbeddedDogu(Path root) throws IOException {
        this.root = root;
        // The server runs as postgres: it must be able to walk down to its data directory.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.data = root.resolve("data");
        this.backup = root.resolve("backup");
        this.stateFile = root.resolve("state/dogu-state.properties");
        this.logs = Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(stateFile.getParent());
        this.state = StateStores.open("file:" + stateFile, Map.of());
    }

    /** @param root an empty directory @return a dogu without a cluster yet */
    public static EmbeddedDogu in(Path root) throws IOException {
        return new EmbeddedDogu(root);
    }

    /**
     * Starts the "old container's" server on the data directory (initializing it if needed).
     *
     * @param version zonky version, e.g. {@code 14.19.0}
     * @return the running server (trust authentication, like the dogu's local socket)
     */
    public PostgresServer startServer(String version) {
        running = PostgresServer.builder(version).dataDirectory(data).start();
        return running;
    }

    /**
     * @param version zonky version
     * @param password the superuser password to log in with (a cluster initialized by dogu-upgrade
     *     requires one for TCP connections)
     * @return the running server
     */
    public PostgresServer startServer(String version, String password) {
        running = PostgresServer.builder(version).dataDirectory(data).superuserPassword(password).start();
        return running;
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
        return new CliProcess(CliProcess.defaultJar(), environment(PostgresBinaries.of(version)), logs);
    }

    /** @param binaries the image's server @return the environment the hooks run with */
    public Map<String, String> environment(PostgresBinaries binaries) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", binaries.bin() + ":" + ClientTools.locate().directory() + ":/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("PGDATA", data.toString());
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

    /** @return PGDATA */
    public Path data() {
        return data;
    }

    /** @return the backup directory */
    public Path backupDirectory() {
        return backup;
    }

    /** @return the directory holding everything */
    public Path root() {
        return root;
    }

    /** @param password the superuser password the new image's cluster gets (state key {@code password}) */
    public void setPassword(String password) {
        state.set(StateKeys.PASSWORD, password);
    }

    @Override
    public void close() {
        stopServer();
    }
}
