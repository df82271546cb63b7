package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the full backup of the running old cluster with {@code pg_dumpall} as one SQL file
 * ({@code cluster-<from>.sql}): checked (exit code and the dump's completion trailer), measured
 * (size, SHA-256), restricted to the database OS user and published with its manifest by
 * {@link AtomicPublish}. A crash at any point leaves at most {@code .partial} files that the next run
 * removes.
 */
public final class ClusterDumper {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDumper.class);
    /** Names of published plain backups in the backup directory. */
    public static final String GLOB = "cluster-*.sql";

    private final BackupDirectory directory;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final ServerOwner owner;
    private final UpgradeListener listener;

    /**
     * @param directory where backups go
     * @param tools client programs ({@code pg_dumpall})
     * @param runner runs them
     * @param owner the database OS user, owner of the backup
     * @param listener receives progress
     */
    public ClusterDumper(BackupDirectory directory, ClientTools tools, ProcessRunner runner, ServerOwner owner,
                         UpgradeListener listener) {
        this.directory = directory;
        this.tools = tools;
        this.runner = runner;
        this.owner = owner;
        this.listener = listener;
    }

    /**
     * @param request what to dump and what to record about it
     * @return the finished, verified backup file
     */
    public Path dump(DumpRequest request) {
        RunningCluster.Facts facts = request.facts();
        directory.prepare();
        directory.requireSpace(facts.sizeBytes());
        AtomicPublish publish = new AtomicPublish(directory.path().resolve("cluster-" + request.from() + ".sql"), owner);
        Path partial = publish.partial();
        String toolVersion = tools.version("pg_dumpall");
        long t0 = System.nanoTime();
        Checkpoint.PRE_UPGRADE_BEFORE_DUMP.reach();
        ProcessResult result;
        GrowingFileDigest digest = GrowingFileDigest.follow(partial);
        try (ProgressReporter progress = new ProgressReporter("dump", () -> sizeOf(partial), facts.sizeBytes(),
                listener, Duration.ofSeconds(5))) {
            result = runner.run(Command.of(tools.path("pg_dumpall").toString(), "-w", "-f", partial.toString())
                    .runAs(owner.name()).timeout(Duration.ofHours(24)).build());
        } catch (RuntimeException e) {
            digest.close();
            throw e;
        }
        if (!result.succeeded()) {
            digest.close();
            publish.discard();
            if (result.ranOutOfSpace()) {
                throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The backup ran out of space in "
                        + directory.path() + "; about " + ProgressReporter.mib(BackupDirectory.spaceNeeded(facts.sizeBytes()))
                        + " are needed. Free space there and run pre-upgrade again; the old cluster is untouched.");
            }
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "pg_dumpall failed with exit code " + result.exitCode()
                    + ": " + result.lastErrorLine() + ". The old cluster is untouched; fix the cause and run"
                    + " pre-upgrade again.");
        }
        Checkpoint.PRE_UPGRADE_DUMP_FINISHED.reach();
        Path target = publish.target();
        try (digest) {
            DumpallTrailer.require(partial);
            long size = Files.size(partial);
            // Hashed while pg_dumpall wrote it; read again only if that digest cannot be trusted.
            String sha = digest.finish().orElse(null);
            if (sha == null) {
                LOG.info("the digest taken while writing {} cannot be used; hashing it again", partial);
                sha = Checksums.sha256(partial);
            }
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            owner.chown(partial);
            publish.publish(new BackupManifest(size, sha, request.from(), request.to(), facts.serverVersionNum(),
                    toolVersion, facts.settings()).withOldCluster(request.old()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info("backup {} written: {}, sha256 {}, {} s ({}/s)", target, ProgressReporter.mib(size), sha,
                    String.format(Locale.ROOT, "%.1f", seconds), ProgressReporter.mib((long) (size / Math.max(seconds, 0.001))));
            return target;
        } catch (IOException e) {
            publish.discard();
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot finish the backup " + target + ": "
                    + e.getMessage() + ". The old cluster is untouched; run pre-upgrade again.", e);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
