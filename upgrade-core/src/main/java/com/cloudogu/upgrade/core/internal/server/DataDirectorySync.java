package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes every file of a stopped cluster to disk with {@code initdb --sync-only}, PostgreSQL's own way
 * to make a data directory durable that was written with {@code fsync=off}.
 */
public final class DataDirectorySync {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectorySync.class);

    private final PostgresInstallation installation;
    private final ProcessRunner runner;
    private final ServerOwner owner;

    /**
     * @param installation provides {@code initdb}
     * @param runner runs it
     * @param owner the database OS user
     */
    public DataDirectorySync(PostgresInstallation installation, ProcessRunner runner, ServerOwner owner) {
        this.installation = installation;
        this.runner = runner;
        this.owner = owner;
    }

    /** @param data a cluster no server runs on */
    public void sync(DataDirectory data) {
        long t0 = System.nanoTime();
        runner.runChecked(Command.of(installation.program("initdb").toString(), "--sync-only", "-D",
                        data.path().toString()).runAs(owner.name()).timeout(Duration.ofHours(2)).build(),
                ErrorCode.SERVER, "flush the restored cluster in " + data.path() + " to disk");
        LOG.info("flushed {} to disk in {} ms", data.path(), (System.nanoTime() - t0) / 1_000_000);
    }
}
