package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server still running on a data directory, typically a temporary server whose dogu-upgrade
 * process was killed. Ours (socket in a dogu-upgrade runtime directory) is stopped; anyone else's
 * is an error, because two servers must never share a data directory.
 */
public final class StaleServer {

    private static final Logger LOG = LoggerFactory.getLogger(StaleServer.class);

    private final DataDirectory data;
    private final ServerOwner owner;
    private final ProcessRunner runner;
    private final PostgresInstallation installation;

    /**
     * @param data the data directory
     * @param owner the database OS user
     * @param runner runs pg_ctl
     * @param installation provides pg_ctl
     */
    public StaleServer(DataDirectory data, ServerOwner owner, ProcessRunner runner, PostgresInstallation installation) {
        this.data = data;
        this.owner = owner;
        this.runner = runner;
        this.installation = installation;
    }

    /** Stops a temporary server left running on the data directory; fails if someone else's server runs there. */
    public void stopIfOurs() {
        Path pidFile = data.path().resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        } catch (IOException e) {
            return; // vanished or unreadable: postgres itself will judge it on start
        }
        if (lines.isEmpty() || !isAlive(lines.get(0).strip())) {
            return; // a stale pid file from a crash; postgres removes it on start
        }
        String socketDir = lines.size() > 4 ? lines.get(4).strip() : "";
        if (!Path.of(socketDir.isEmpty() ? "/" : socketDir).getFileName().toString().startsWith(TemporaryServer.RUNTIME_PREFIX)) {
            throw new UpgradeException(ErrorCode.SERVER, "A PostgreSQL server (pid " + lines.get(0).strip()
                    + ") is running on " + data.path() + ". Stop it before running this phase.");
        }
        LOG.warn("stopping temporary server (pid {}) left running by an interrupted earlier run", lines.get(0).strip());
        runner.run(Command.of(installation.program("pg_ctl").toString(), "stop", "-D", data.path().toString(),
                "-m", "fast", "-w", "-t", "120").runAs(owner.name()).timeout(Duration.ofMinutes(3)).build());
    }

    private static boolean isAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
