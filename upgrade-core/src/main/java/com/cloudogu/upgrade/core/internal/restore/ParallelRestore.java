package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.DatabaseLanes;
import com.cloudogu.upgrade.core.internal.backup.DatabaseList;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a verified parallel backup (a directory, see {@link DatabaseList}) into the fresh cluster
 * served by a temporary server: the globals with {@code psql} as a plain backup ({@link DumpRestore}),
 * then every database with {@code pg_restore --jobs N --exit-on-error}, up to N databases at once,
 * largest first.
 */
public final class ParallelRestore {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelRestore.class);

    private final TemporaryServer server;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final UpgradeListener listener;
    private final int jobs;

    /**
     * @param server the temporary server on the fresh cluster
     * @param tools client programs ({@code psql}, {@code pg_restore})
     * @param runner runs them
     * @param listener receives progress
     * @param jobs {@code pg_restore} jobs per database (at least 1)
     */
    public ParallelRestore(TemporaryServer server, ClientTools tools, ProcessRunner runner, UpgradeListener listener,
                           int jobs) {
        this.server = server;
        this.tools = tools;
        this.runner = runner;
        this.listener = listener;
        this.jobs = Math.max(1, jobs);
    }

    /**
     * @param backup the verified backup directory
     * @param manifest its manifest
     */
    public void restore(Path backup, BackupManifest manifest) {
        RestoreTools.requireAtLeast(tools, "pg_restore", "pg_dump", manifest.dumpToolVersion(), backup,
                "cannot read its archives");
        long t0 = System.nanoTime();
        DatabaseList databases;
        try {
            databases = DatabaseList.read(backup);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read the database list of the backup " + backup
                    + ": " + e.getMessage() + ". The backup and the old cluster are kept.", e);
        }
        new DumpRestore(server, tools, runner, listener).restore(backup.resolve(DatabaseList.GLOBALS),
                recordedSize(manifest, DatabaseList.GLOBALS), manifest.dumpToolVersion());
        Path base = server.dataDirectory().path().resolve("base");
        long baseBefore = BackupFiles.size(base);
        long estimate = manifest.sourceClusterBytes() > 0 ? manifest.sourceClusterBytes() : manifest.size();
        try (ProgressReporter progress = new ProgressReporter("restore", () -> Math.max(0, BackupFiles.size(base) - baseBefore),
                estimate, listener, Duration.ofSeconds(5))) {
            DatabaseLanes.run(databases.entries(), jobs, db -> recordedSize(manifest, db.directory() + "/"),
                    db -> restore(backup, manifest, db));
        }
        Checkpoint.RESTORE_PARALLEL_DATABASES_RESTORED.reach();
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("restored {} ({} databases, {}) in {} s ({}/s, {} jobs)", backup, databases.entries().size(),
                ProgressReporter.mib(manifest.size()), String.format(Locale.ROOT, "%.1f", seconds),
                ProgressReporter.mib((long) (manifest.size() / Math.max(seconds, 0.001))), jobs);
    }

    private void restore(Path backup, BackupManifest manifest, DatabaseList.Entry db) {
        long t0 = System.nanoTime();
        Command.Builder cmd = Command.of(tools.path("pg_restore").toString(), "--no-password", "--exit-on-error",
                "--jobs=" + jobs, "-h", server.socketDirectory().toString(), "-p", Integer.toString(server.port()),
                "-U", server.superuser());
        if (db.create()) {
            cmd.args("--create", "--dbname=postgres");
        } else {
            cmd.args("--dbname=" + ClientTools.connectionString(db.name()));
        }
        cmd.args(backup.resolve(db.directory()).toString());
        ProcessResult result = runner.run(cmd.env("PGOPTIONS", "-c client_min_messages=warning")
                .timeout(Duration.ofHours(24)).label("pg_restore").build());
        RestoreTools.requireSucceeded(result, "Restoring database '" + db.name() + "' from " + backup, "pg_restore",
                backup, manifest.size());
        LOG.info("restored database {} in {} ms", db.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** @return the bytes of the manifest's files at {@code path}, or under it if it ends with {@code /} */
    private static long recordedSize(BackupManifest manifest, String path) {
        return manifest.files().stream()
                .filter(f -> path.endsWith("/") ? f.path().startsWith(path) : f.path().equals(path))
                .mapToLong(BackupManifest.FileEntry::size).sum();
    }
}
