package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.process.OrphanReaper;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the full backup of the running old cluster with {@code pg_dumpall}: into a temporary name,
 * checked (exit code and the dump's completion trailer), fsynced, measured (size, SHA-256),
 * restricted to the database OS user, and only then renamed into place atomically, next to its
 * manifest. A crash at any point leaves at most a {@code .partial} file that the next run removes.
 */
public final class ClusterDumper {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDumper.class);
    static final String TRAILER = "PostgreSQL database cluster dump complete";
    private static final long SPACE_MARGIN = 64L << 20;
    private static final String ATTEMPT = ProcessHandle.current().pid() + "-" + Long.toString(System.currentTimeMillis(), 36);

    private final Path backupDirectory;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final ServerOwner owner;
    private final UpgradeListener listener;

    /**
     * @param backupDirectory where backups go
     * @param tools client programs ({@code pg_dumpall})
     * @param runner runs them
     * @param owner the database OS user, owner of the backup
     * @param listener receives progress
     */
    public ClusterDumper(Path backupDirectory, ClientTools tools, ProcessRunner runner, ServerOwner owner,
                         UpgradeListener listener) {
        this.backupDirectory = backupDirectory;
        this.tools = tools;
        this.runner = runner;
        this.owner = owner;
        this.listener = listener;
    }

    /**
     * @param facts size and settings of the running cluster
     * @param from version upgraded from (names the file)
     * @param to version upgraded to
     * @param old where the dumped cluster lives on the volume, recorded in the manifest
     * @return the finished, verified backup file
     */
    public Path dump(RunningCluster.Facts facts, String from, String to, Optional<OldCluster> old) {
        prepareDirectory();
        checkSpace(facts.sizeBytes());
        Path target = backupDirectory.resolve("cluster-" + from + ".sql");
        // A name of this attempt's own: a pg_dump left running by a killed earlier attempt appends to
        // its own file by name and can never touch this one.
        Path partial = backupDirectory.resolve(target.getFileName() + "." + attemptId() + ".partial");
        String toolVersion = tools.version("pg_dumpall");
        long t0 = System.nanoTime();
        Checkpoints.reach("pre-upgrade.before-dump");
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
            deleteQuietly(partial);
            if (result.stderrTail().contains("No space left on device")) {
                throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The backup ran out of space in "
                        + backupDirectory + "; about " + ProgressReporter.mib(facts.sizeBytes() + SPACE_MARGIN)
                        + " are needed. Free space there and run pre-upgrade again; the old cluster is untouched.");
            }
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "pg_dumpall failed with exit code " + result.exitCode()
                    + ": " + result.lastErrorLine() + ". The old cluster is untouched; fix the cause and run"
                    + " pre-upgrade again.");
        }
        Checkpoints.reach("pre-upgrade.dump-finished");
        try (digest) {
            requireTrailer(partial);
            Durable.syncFile(partial);
            long size = Files.size(partial);
            // Hashed while pg_dumpall wrote it; read again only if that digest cannot be trusted.
            String sha = digest.finish().orElse(null);
            if (sha == null) {
                LOG.info("the digest taken while writing {} cannot be used; hashing it again", partial);
                sha = Checksums.sha256(partial);
            }
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            owner.chown(partial);
            Path manifestPartial = backupDirectory.resolve(target.getFileName() + ".manifest." + attemptId() + ".partial");
            new BackupManifest(size, sha, from, to, facts.serverVersionNum(), toolVersion, facts.settings())
                    .withOldCluster(old).write(manifestPartial);
            Files.setPosixFilePermissions(manifestPartial, PosixFilePermissions.fromString("rw-------"));
            owner.chown(manifestPartial);
            Durable.syncFile(manifestPartial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(manifestPartial, BackupManifest.pathFor(target), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(backupDirectory);
            Checkpoints.reach("pre-upgrade.backup-renamed");
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info("backup {} written: {}, sha256 {}, {} s ({}/s)", target, ProgressReporter.mib(size), sha,
                    String.format(java.util.Locale.ROOT, "%.1f", seconds), ProgressReporter.mib((long) (size / Math.max(seconds, 0.001))));
            return target;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot finish the backup " + target + ": "
                    + e.getMessage() + ". The old cluster is untouched; run pre-upgrade again.", e);
        }
    }

    /** @return a name part unique to this process and moment: every attempt writes under its own names */
    static String attemptId() {
        return ATTEMPT;
    }

    /**
     * Creates the backup directory if needed, checks it, ends programs that a killed earlier attempt
     * left writing there, and removes their leftovers.
     */
    void prepareDirectory() {
        OrphanReaper.endProgramsUsing(backupDirectory);
        try {
            if (Files.isSymbolicLink(backupDirectory)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + backupDirectory
                        + " is a symbolic link; refused. Point DOGU_UPGRADE_BACKUP_DIR at a real directory.");
            }
            if (Files.exists(backupDirectory) && !Files.isDirectory(backupDirectory)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + backupDirectory
                        + " is not writable: it is a file, not a directory. Move it away or set DOGU_UPGRADE_BACKUP_DIR.");
            }
            if (!Files.isDirectory(backupDirectory)) {
                Files.createDirectories(backupDirectory);
                Files.setPosixFilePermissions(backupDirectory, PosixFilePermissions.fromString("rwx------"));
            }
            owner.chown(backupDirectory);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(backupDirectory, "*.partial")) {
                for (Path p : leftovers) {
                    LOG.info("removing {} left by an interrupted earlier backup", p);
                    BackupFiles.deleteTree(p); // a parallel backup's partial result is a directory
                }
            }
            Path probe = Files.createTempFile(backupDirectory, ".write-test", ".partial");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The backup directory " + backupDirectory
                    + " is not writable (" + e + "). Fix its permissions or set DOGU_UPGRADE_BACKUP_DIR.", e);
        }
    }

    /** @param clusterBytes size of the databases to dump; fails before anything is written if it cannot fit */
    void checkSpace(long clusterBytes) {
        long needed = clusterBytes + SPACE_MARGIN;
        long free;
        try {
            free = Files.getFileStore(backupDirectory).getUsableSpace();
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot read free space of " + backupDirectory + ": "
                    + e.getMessage(), e);
        }
        if (free < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "Not enough space for the backup in " + backupDirectory
                    + ": about " + ProgressReporter.mib(needed) + " needed (cluster size plus margin), "
                    + ProgressReporter.mib(free) + " free. Free space and run pre-upgrade again; nothing was written.");
        }
        LOG.info("disk space check: {} needed, {} free in {}", ProgressReporter.mib(needed), ProgressReporter.mib(free),
                backupDirectory);
    }

    static void requireTrailer(Path dump) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dump.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 512);
            byte[] tail = new byte[n];
            f.seek(len - n);
            f.readFully(tail);
            if (!new String(tail, StandardCharsets.UTF_8).contains(TRAILER)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The dump " + dump + " lacks pg_dumpall's completion"
                        + " line ('" + TRAILER + "'): it is incomplete. The old cluster is untouched; run pre-upgrade again.");
            }
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next run removes *.partial files anyway
        }
    }
}
