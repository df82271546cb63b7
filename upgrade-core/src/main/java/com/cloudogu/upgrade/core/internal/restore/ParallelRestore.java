package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.api.migration.PendingRestore;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.DatabaseLanes;
import com.cloudogu.upgrade.core.internal.backup.DatabaseList;
import com.cloudogu.upgrade.core.internal.backup.ParallelClusterDumper;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a verified parallel backup ({@code BackupStrategy.PARALLEL}) into the fresh cluster served
 * by a temporary server: the globals with {@code psql} (stopping at the first error, the bootstrap
 * superuser's own statements filtered out as for a plain backup), then every database with
 * {@code pg_restore --jobs N --exit-on-error}, up to N databases at once, largest first.
 */
public final class ParallelRestore implements PendingRestore {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelRestore.class);

    private final Path backup;
    private final BackupManifest manifest;
    private final TemporaryServer server;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final StateStore state;
    private final UpgradeListener listener;
    private final int jobs;
    private final DumpRestore.Completion completion;

    /**
     * @param backup the verified backup directory
     * @param manifest its manifest
     * @param server the temporary server on the fresh cluster
     * @param tools client programs ({@code psql}, {@code pg_restore})
     * @param runner runs them
     * @param state the state store
     * @param listener receives progress
     * @param jobs {@code pg_restore} jobs per database (at least 1)
     * @param completion what to do on success, before the backup path is cleared
     */
    public ParallelRestore(Path backup, BackupManifest manifest, TemporaryServer server, ClientTools tools,
                           ProcessRunner runner, StateStore state, UpgradeListener listener, int jobs,
                           DumpRestore.Completion completion) {
        this.backup = backup;
        this.manifest = manifest;
        this.server = server;
        this.tools = tools;
        this.runner = runner;
        this.state = state;
        this.listener = listener;
        this.jobs = Math.max(1, jobs);
        this.completion = completion;
    }

    @Override
    public Path file() {
        return backup;
    }

    @Override
    public void restore() {
        requireAtLeast("pg_restore");
        long t0 = System.nanoTime();
        DatabaseList databases;
        try {
            databases = DatabaseList.read(backup);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read the database list of the backup " + backup
                    + ": " + e.getMessage() + ". The backup and the old cluster are kept.", e);
        }
        Path globals = backup.resolve(DatabaseList.GLOBALS);
        new DumpRestore(globals, globalsManifest(globals), server, tools, runner, state, listener, () -> { })
                .restore();
        Path base = server.dataDirectory().path().resolve("base");
        long baseBefore = BackupFiles.size(base);
        long estimate = manifest.sourceClusterBytes() > 0 ? manifest.sourceClusterBytes() : manifest.size();
        try (ProgressReporter progress = new ProgressReporter("restore", () -> Math.max(0, BackupFiles.size(base) - baseBefore),
                estimate, listener, Duration.ofSeconds(5))) {
            DatabaseLanes.run(databases.entries(), jobs, this::dumpedBytes, this::restore);
        }
        Checkpoints.reach("restore.parallel-databases-restored");
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("restored {} ({} databases, {}) in {} s ({}/s, {} jobs)", backup, databases.entries().size(),
                ProgressReporter.mib(manifest.size()), String.format(Locale.ROOT, "%.1f", seconds),
                ProgressReporter.mib((long) (manifest.size() / Math.max(seconds, 0.001))), jobs);
    }

    private void restore(DatabaseList.Entry db) {
        long t0 = System.nanoTime();
        Command.Builder cmd = Command.of(tools.path("pg_restore").toString(), "--no-password", "--exit-on-error",
                "--jobs=" + jobs, "-h", server.socketDirectory().toString(), "-p", Integer.toString(server.port()),
                "-U", server.superuser());
        if (db.create()) {
            cmd.args("--create", "--dbname=postgres");
        } else {
            cmd.args("--dbname=" + ParallelClusterDumper.connectionString(db.name()));
        }
        cmd.args(backup.resolve(db.directory()).toString());
        ProcessResult result = runner.run(cmd.env("PGOPTIONS", "-c client_min_messages=warning")
                .timeout(Duration.ofHours(24)).label("pg_restore").build());
        if (!result.succeeded() && result.stderrTail().contains("No space left on device")) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The restore of " + backup + " ran out of space in"
                    + " PGDATA; about " + ProgressReporter.mib(RestoreSpace.estimate(manifest.size())) + " are needed."
                    + " Free space, then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort'); the backup and the"
                    + " old cluster are kept.");
        }
        if (result.interrupted()) {
            throw new RestoreInterruptedException("Restoring database '" + db.name() + "' from " + backup
                    + " was interrupted (pg_restore exit " + result.exitCode() + "): " + result.firstErrorLine()
                    + ". The backup and the old cluster are kept; the next start restores again from a fresh cluster.");
        }
        if (!result.succeeded()) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Restoring database '" + db.name() + "' from " + backup
                    + " stopped at the first error (pg_restore exit " + result.exitCode() + "): "
                    + result.firstErrorLine().replaceFirst("\\.$", "") + ". The backup and the old cluster are kept.");
        }
        LOG.info("restored database {} in {} ms", db.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    private long dumpedBytes(DatabaseList.Entry db) {
        String prefix = db.directory() + "/";
        return manifest.files().stream().filter(f -> f.path().startsWith(prefix)).mapToLong(BackupManifest.FileEntry::size)
                .sum();
    }

    private BackupManifest globalsManifest(Path globals) {
        long size;
        try {
            size = Files.size(globals);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read " + globals + ": " + e.getMessage(), e);
        }
        return new BackupManifest(size, "", manifest.from(), manifest.to(), manifest.sourceServerVersion(),
                manifest.dumpToolVersion(), manifest.cluster()).withOldCluster(manifest.oldCluster());
    }

    private void requireAtLeast(String tool) {
        String version = tools.version(tool);
        if (!manifest.dumpToolVersion().isEmpty() && ClientTools.compareVersions(version, manifest.dumpToolVersion()) < 0) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, tool + " " + version + " is older than the pg_dump "
                    + manifest.dumpToolVersion() + " that wrote " + backup + " and cannot read its archives. Put a "
                    + tool + " of version " + manifest.dumpToolVersion() + " or newer on PATH.");
        }
    }

    @Override
    public void complete() {
        Checkpoints.reach("restore.before-complete");
        completion.afterRestore();
        state.remove(StateKeys.MIGRATION_BACKUP_PATH);
        LOG.info("restore complete; {} cleared", StateKeys.MIGRATION_BACKUP_PATH);
        completion.afterCleared();
    }

    /**
     * Removes restored parallel backups (directories {@code cluster-*.d} with their manifests).
     *
     * @param backupDirectory where backups are written
     */
    public static void removeBackups(Path backupDirectory) {
        if (!Files.isDirectory(backupDirectory)) {
            return;
        }
        try (DirectoryStream<Path> backups = Files.newDirectoryStream(backupDirectory,
                "cluster-*" + ParallelClusterDumper.SUFFIX)) {
            for (Path b : backups) {
                Files.deleteIfExists(BackupManifest.pathFor(b));
                BackupFiles.deleteTree(b);
                LOG.info("removed the restored backup {} (keep it with --keep-backup)", b);
            }
        } catch (IOException e) {
            LOG.warn("could not remove restored backups in {}: {}", backupDirectory, e.getMessage());
        }
    }
}
