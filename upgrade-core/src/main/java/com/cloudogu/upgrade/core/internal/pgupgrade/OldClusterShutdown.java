package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_upgrade needs the old cluster shut down cleanly; a killed old container leaves it "in
 * production". Then the carried-over old server is started once ({@link OldServer}: a private socket,
 * no TCP) and stopped with a fast shutdown, which runs crash recovery and writes a shutdown checkpoint.
 * An old server that a killed earlier attempt left running (the fallback's dump source) is stopped
 * first: its cluster is "in production" too, but must never be recovered under a running server.
 */
public final class OldClusterShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(OldClusterShutdown.class);
    private static final Pattern STATE = Pattern.compile("(?m)^Database cluster state:\\s+(.+)$");
    /** The state pg_controldata reports for a clean shutdown. */
    public static final String SHUT_DOWN = "shut down";

    private final InstallationProbe old;
    private final ProcessRunner runner;
    private final ServerOwner owner;

    /**
     * @param old the probed old installation
     * @param runner runs its programs
     * @param owner the database OS user
     */
    public OldClusterShutdown(InstallationProbe old, ProcessRunner runner, ServerOwner owner) {
        this.old = old;
        this.runner = runner;
        this.owner = owner;
    }

    /**
     * @param data the old cluster
     * @return its state as the old {@code pg_controldata} reports it, e.g. {@code shut down}
     */
    public String state(Path data) {
        Command.Builder cmd = Command.of(old.bin().resolve("pg_controldata").toString(), data.toString())
                .runAs(owner.name()).captureStdout().env("LC_ALL", "C");
        old.environment().forEach(cmd::env);
        ProcessResult r = runner.runChecked(cmd.build(), ErrorCode.SERVER, "read the old cluster's control file");
        Matcher m = STATE.matcher(r.stdout());
        if (!m.find()) {
            throw new UpgradeException(ErrorCode.SERVER, "pg_controldata printed no cluster state for " + data + ".");
        }
        return m.group(1).strip();
    }

    /**
     * Leaves the old cluster cleanly shut down: nothing to do when it already is.
     *
     * @param data the old cluster
     * @param socketDirectory a directory for the recovery start's log (the socket lives in a private directory of its own)
     */
    public void ensureCleanlyShutDown(Path data, Path socketDirectory) {
        OldServer.stopLeftover(old, data, owner, runner); // a killed attempt's old server must not be taken for a crash
        String state = state(data);
        if (SHUT_DOWN.equals(state)) {
            return;
        }
        long t0 = System.nanoTime();
        LOG.info("old cluster {} is '{}', not shut down: starting it once with the old server for recovery", data,
                state);
        Path log = socketDirectory.resolve("recovery.log");
        OldServer.start(old, data, owner, runner, log, Map.of()).stop();
        String after = state(data);
        if (!SHUT_DOWN.equals(after)) {
            throw new UpgradeException(ErrorCode.SERVER, "The old cluster " + data + " is still '" + after
                    + "' after a start and a fast shutdown; see " + log + ".");
        }
        LOG.info("old cluster {} recovered and shut down in {} ms", data, (System.nanoTime() - t0) / 1_000_000);
    }
}
