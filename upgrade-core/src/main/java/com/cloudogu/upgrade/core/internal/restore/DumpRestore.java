package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.api.migration.PendingRestore;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a verified {@code pg_dumpall} backup into the fresh cluster served by a temporary
 * server, with {@code psql} stopping at the first error. The bootstrap superuser's own statements
 * are filtered out ({@link SuperuserStatementFilter}).
 */
public final class DumpRestore implements PendingRestore {

    private static final Logger LOG = LoggerFactory.getLogger(DumpRestore.class);

    private final Path backup;
    private final BackupManifest manifest;
    private final TemporaryServer server;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final StateStore state;
    private final UpgradeListener listener;
    private final Completion completion;

    /** What happens once the restore succeeded (promote the cluster, retention of backup and old cluster). */
    @FunctionalInterface
    public interface Completion {
        /** Runs after the restore, before the backup path is cleared. */
        void afterRestore();

        /** Runs once the backup path is cleared: the restored cluster is the one that counts from now on. */
        default void afterCleared() {
        }
    }

    /**
     * @param backup the verified backup
     * @param manifest its manifest
     * @param server the temporary server on the fresh cluster
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param state the state store
     * @param listener receives progress
     * @param completion what to do on success
     */
    public DumpRestore(Path backup, BackupManifest manifest, TemporaryServer server, ClientTools tools,
                       ProcessRunner runner, StateStore state, UpgradeListener listener, Completion completion) {
        this.backup = backup;
        this.manifest = manifest;
        this.server = server;
        this.tools = tools;
        this.runner = runner;
        this.state = state;
        this.listener = listener;
        this.completion = completion;
    }

    @Override
    public Path file() {
        return backup;
    }

    @Override
    public void restore() {
        String psqlVersion = tools.version("psql");
        if (!manifest.dumpToolVersion().isEmpty() && ClientTools.compareVersions(psqlVersion, manifest.dumpToolVersion()) < 0) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "psql " + psqlVersion + " is older than the pg_dumpall "
                    + manifest.dumpToolVersion() + " that wrote " + backup + " and may reject its commands. Put a psql of"
                    + " version " + manifest.dumpToolVersion() + " or newer on PATH.");
        }
        long t0 = System.nanoTime();
        SuperuserStatementFilter filter;
        try {
            filter = new SuperuserStatementFilter(new HalfwayCheckpoint(
                    new BufferedInputStream(Files.newInputStream(backup), 1 << 16), manifest.size()), server.superuser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessResult result;
        try (InputStream in = filter;
             ProgressReporter progress = new ProgressReporter("restore", filter::bytesRead, manifest.size(), listener,
                     Duration.ofSeconds(5))) {
            result = runner.run(Command.of(tools.path("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                            "-h", server.socketDirectory().toString(), "-p", Integer.toString(server.port()),
                            "-U", server.superuser(), "-d", "postgres", "-f", "-")
                    .env("PGOPTIONS", "-c client_min_messages=warning")
                    .stdin(() -> in).timeout(Duration.ofHours(24)).label("psql").build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!result.succeeded() && result.stderrTail().contains("No space left on device")) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The restore of " + backup + " ran out of space in"
                    + " PGDATA; about " + ProgressReporter.mib(RestoreSpace.estimate(manifest.size())) + " are needed."
                    + " Free space, then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort'); the backup and the"
                    + " old cluster are kept.");
        }
        if (result.interrupted()) {
            throw new RestoreInterruptedException("Restoring " + backup + " was interrupted (psql exit "
                    + result.exitCode() + "): " + result.firstErrorLine() + ". The backup and the old cluster are kept;"
                    + " the next start restores again from a fresh cluster.");
        }
        if (!result.succeeded()) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Restoring " + backup + " stopped at the first error"
                    + " (psql exit " + result.exitCode() + "): " + result.firstErrorLine().replaceFirst("\\.$", "")
                    + ". The backup and the old cluster are kept.");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("restored {} ({}) in {} s ({}/s); skipped {} statement(s) about superuser {}", backup,
                ProgressReporter.mib(manifest.size()), String.format(java.util.Locale.ROOT, "%.1f", seconds),
                ProgressReporter.mib((long) (manifest.size() / Math.max(seconds, 0.001))), filter.statementsDropped(),
                server.superuser());
    }

    @Override
    public void complete() {
        Checkpoints.reach("restore.before-complete");
        completion.afterRestore();
        state.remove(StateKeys.MIGRATION_BACKUP_PATH);
        LOG.info("restore complete; {} cleared", StateKeys.MIGRATION_BACKUP_PATH);
        completion.afterCleared();
    }

    /** @return the manifest of the backup */
    public Optional<BackupManifest> manifest() {
        return Optional.of(manifest);
    }
}
