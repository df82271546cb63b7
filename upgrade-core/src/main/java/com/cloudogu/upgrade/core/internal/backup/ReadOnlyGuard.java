package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the old cluster refuse writes before the dump, so nothing committed after the snapshot is
 * lost: {@code default_transaction_read_only} is switched on with {@code ALTER SYSTEM} (persisted,
 * so it survives a restart of the old container) and every other session is terminated. Undone by
 * {@code abort} or by a failed pre-upgrade. It is a guard against applications, not against a
 * superuser who deliberately sets {@code transaction_read_only = off}.
 */
public final class ReadOnlyGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyGuard.class);
    /** The line {@code ALTER SYSTEM} writes into {@code postgresql.auto.conf}. */
    static final String SETTING = "default_transaction_read_only";

    private final ClientTools tools;
    private final ProcessRunner runner;
    private final String osUser;

    /**
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param osUser database OS user (peer authentication)
     */
    public ReadOnlyGuard(ClientTools tools, ProcessRunner runner, String osUser) {
        this.tools = tools;
        this.runner = runner;
        this.osUser = osUser;
    }

    /** Switches the running old cluster to read-only and ends every other session. */
    public void enable() {
        psql("ALTER SYSTEM SET " + SETTING + " = on", "SELECT pg_reload_conf()",
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE pid <> pg_backend_pid() AND datname IS NOT NULL");
        LOG.info("old cluster is read-only from now on (other sessions ended); 'dogu-upgrade abort' undoes this");
    }

    /** Lifts the guard on the running old cluster. */
    public void disable() {
        psql("ALTER SYSTEM RESET " + SETTING, "SELECT pg_reload_conf()");
        LOG.info("old cluster accepts writes again");
    }

    /**
     * Lifts the guard on a stopped cluster by removing the line {@code ALTER SYSTEM} wrote.
     *
     * @param dataDirectory the stopped old cluster
     * @return whether the guard was set
     */
    public static boolean disableOffline(Path dataDirectory) {
        Path auto = dataDirectory.resolve("postgresql.auto.conf");
        try {
            if (!Files.isRegularFile(auto)) {
                return false;
            }
            List<String> lines = Files.readAllLines(auto);
            List<String> kept = lines.stream().filter(l -> !l.strip().startsWith(SETTING)).collect(Collectors.toList());
            if (kept.size() == lines.size()) {
                return false;
            }
            Files.write(auto, kept);
            LOG.info("removed the read-only guard from {}", auto);
            return true;
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot lift the read-only guard in " + auto + ": "
                    + e.getMessage() + ". Remove the line '" + SETTING + " = on' by hand.", e);
        }
    }

    private void psql(String... statements) {
        Command.Builder cmd = Command.of(tools.path("psql").toString(), "-X", "-w", "-q", "-v", "ON_ERROR_STOP=1",
                "-d", "template1");
        for (String s : statements) {
            cmd.args("-c", s);
        }
        runner.runChecked(cmd.runAs(osUser).captureStdout().timeout(Duration.ofMinutes(2)).build(),
                ErrorCode.BACKUP_FAILED, "change the old cluster's read-only guard");
    }
}
