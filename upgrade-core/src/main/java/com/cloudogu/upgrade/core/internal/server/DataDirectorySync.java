package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes every file of a stopped cluster to disk with {@code initdb --sync-only}, PostgreSQL's own way
 * to make a data directory durable that was written with {@code fsync=off}.
 *
 * <p>From 17 on, initdb can flush each file system once ({@code --sync-method=syncfs}) instead of
 * opening and syncing every file: after pg_upgrade of a database with thousands of tables that is
 * seconds less. It is used only on Linux 5.8 or later, the first kernel whose {@code syncfs} reports
 * write-back errors (before, a failed write would go unnoticed, and the cluster would be promoted).
 */
public final class DataDirectorySync {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectorySync.class);
    /** The first Linux whose syncfs returns write-back errors. */
    private static final int[] SYNCFS_REPORTS_ERRORS = {5, 8};

    private final PostgresInstallation installation;
    private final ProcessRunner runner;
    private final ServerOwner owner;
    private final String osName;
    private final String kernel;

    /**
     * @param installation provides {@code initdb}
     * @param runner runs it
     * @param owner the database OS user
     */
    public DataDirectorySync(PostgresInstallation installation, ProcessRunner runner, ServerOwner owner) {
        this(installation, runner, owner, System.getProperty("os.name", ""), System.getProperty("os.version", ""));
    }

    DataDirectorySync(PostgresInstallation installation, ProcessRunner runner, ServerOwner owner, String osName,
                      String kernel) {
        this.installation = installation;
        this.runner = runner;
        this.owner = owner;
        this.osName = osName;
        this.kernel = kernel;
    }

    /** @param data a cluster no server runs on */
    public void sync(DataDirectory data) {
        long t0 = System.nanoTime();
        boolean syncfs = usesSyncfs();
        Command.Builder initdb = Command.of(installation.program("initdb").toString(), "--sync-only", "-D",
                data.path().toString()).args(initdbSyncArguments());
        runner.runChecked(initdb.runAs(owner.name()).timeout(Duration.ofHours(2)).build(),
                ErrorCode.SERVER, "flush the restored cluster in " + data.path() + " to disk");
        LOG.info("flushed {} to disk in {} ms ({})", data.path(), (System.nanoTime() - t0) / 1_000_000,
                syncfs ? "syncfs per file system" : "fsync per file");
    }

    /** @return initdb's arguments for how it flushes, here and when it initializes a cluster */
    public List<String> initdbSyncArguments() {
        return usesSyncfs() ? List.of("--sync-method=syncfs") : List.of();
    }

    /** @return whether initdb flushes whole file systems: PostgreSQL 17 or later on Linux 5.8 or later */
    boolean usesSyncfs() {
        return installation.major() >= 17 && osName.equals("Linux") && atLeast(kernel, SYNCFS_REPORTS_ERRORS);
    }

    /** @param release e.g. {@code 6.1.0-40-amd64} @return whether its major.minor is at least {@code min} */
    static boolean atLeast(String release, int[] min) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > min[0] || (major == min[0] && minor >= min[1]);
    }
}
