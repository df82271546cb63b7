package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoints;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the full backup of the running old cluster as a directory ({@link BackupStrategy#PARALLEL}):
 * the globals (roles, memberships, tablespaces) with {@code pg_dumpall --globals-only}, then every
 * database {@code pg_dumpall} would dump, each with {@code pg_dump} in directory format with several
 * jobs, uncompressed (on few cores compression costs more time than the disk it saves), up to as many
 * databases at once as there are jobs, largest first ({@link DatabaseLanes}).
 *
 * <p>Integrity as for the plain file: everything goes into {@code cluster-<from>.d.partial}; every
 * tool's exit code is checked (and the globals' completion trailer); every file is fsynced, measured
 * and hashed (SHA-256, several files at a time), restricted to the database OS user and listed in the
 * manifest; only then is the directory renamed into place. A crash leaves at most a {@code .partial}
 * tree that the next run removes.
 */
public final class ParallelClusterDumper {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelClusterDumper.class);
    /** Suffix of a parallel backup directory. */
    public static final String SUFFIX = ".d";

    private final Path backupDirectory;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final ServerOwner owner;
    private final UpgradeListener listener;
    private final int jobs;

    /**
     * @param backupDirectory where backups go
     * @param tools client programs ({@code pg_dumpall}, {@code pg_dump}, {@code psql})
     * @param runner runs them
     * @param owner the database OS user, owner of the backup
     * @param listener receives progress
     * @param jobs {@code pg_dump} jobs per database (at least 1)
     */
    public ParallelClusterDumper(Path backupDirectory, ClientTools tools, ProcessRunner runner, ServerOwner owner,
                                 UpgradeListener listener, int jobs) {
        this.backupDirectory = backupDirectory;
        this.tools = tools;
        this.runner = runner;
        this.owner = owner;
        this.listener = listener;
        this.jobs = Math.max(1, jobs);
    }

    /**
     * @param facts size and settings of the running cluster
     * @param from version upgraded from (names the directory)
     * @param to version upgraded to
     * @param old where the dumped cluster lives on the volume, recorded in the manifest
     * @return the finished, verified backup directory
     */
    public Path dump(RunningCluster.Facts facts, String from, String to, Optional<OldCluster> old) {
        ClusterDumper directory = new ClusterDumper(backupDirectory, tools, runner, owner, listener);
        directory.prepareDirectory();
        directory.checkSpace(facts.sizeBytes());
        Path target = backupDirectory.resolve("cluster-" + from + SUFFIX);
        Path partial = backupDirectory.resolve(target.getFileName() + "." + ClusterDumper.attemptId() + ".partial");
        String toolVersion = tools.version("pg_dump");
        long t0 = System.nanoTime();
        try {
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            owner.chown(partial);
            List<Database> databases = databases();
            Checkpoints.reach("pre-upgrade.before-dump");
            try (ProgressReporter progress = new ProgressReporter("dump", () -> BackupFiles.size(partial),
                    facts.sizeBytes(), listener, Duration.ofSeconds(5))) {
                run(Command.of(tools.path("pg_dumpall").toString(), "-w", "--globals-only", "-f",
                        partial.resolve(DatabaseList.GLOBALS).toString()), "pg_dumpall --globals-only", partial);
                ClusterDumper.requireTrailer(partial.resolve(DatabaseList.GLOBALS));
                DatabaseList list = DatabaseList.of(databases.stream().map(Database::name).toList());
                Map<String, Long> sizes = new HashMap<>();
                databases.forEach(d -> sizes.put(d.name(), d.size()));
                DatabaseLanes.run(list.entries(), jobs, db -> sizes.get(db.name()), db -> {
                    long d0 = System.nanoTime();
                    run(Command.of(tools.path("pg_dump").toString(), "-w", "--format=directory", "--jobs=" + jobs,
                            "--compress=0", "--file=" + partial.resolve(db.directory()), connectionString(db.name())),
                            "pg_dump of database '" + db.name() + "'", partial);
                    LOG.info("dumped database {} in {} ms", db.name(), (System.nanoTime() - d0) / 1_000_000);
                });
                list.write(partial.resolve(DatabaseList.FILE));
            }
            Checkpoints.reach("pre-upgrade.dump-finished");
            List<String> paths = BackupFiles.relativeFiles(partial);
            List<BackupManifest.FileEntry> files = FileDigests.measure(partial, paths, jobs, true);
            restrict(partial);
            long size = files.stream().mapToLong(BackupManifest.FileEntry::size).sum();
            String listSha = FileDigests.listDigest(files);
            Path manifestPartial = backupDirectory.resolve(target.getFileName() + ".manifest." + ClusterDumper.attemptId()
                    + ".partial");
            new BackupManifest(size, listSha, from, to, facts.serverVersionNum(), toolVersion, facts.settings(),
                    BackupManifest.FORMAT_PARALLEL, files, facts.sizeBytes(), old).write(manifestPartial);
            Files.setPosixFilePermissions(manifestPartial, PosixFilePermissions.fromString("rw-------"));
            owner.chown(manifestPartial);
            Durable.syncFile(manifestPartial);
            Durable.syncDirectory(partial);
            replace(partial, target);
            Files.move(manifestPartial, BackupManifest.pathFor(target), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(backupDirectory);
            Checkpoints.reach("pre-upgrade.backup-renamed");
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info("backup {} written: {} databases, {} files, {}, {} s ({}/s, {} jobs)", target, databases.size(),
                    files.size(), ProgressReporter.mib(size), String.format(Locale.ROOT, "%.1f", seconds),
                    ProgressReporter.mib((long) (size / Math.max(seconds, 0.001))), jobs);
            return target;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot finish the backup " + target + ": " + e
                    + ". The old cluster is untouched; run pre-upgrade again.", e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /** A database to dump and its size on the old server. */
    private record Database(String name, long size) {
    }

    /** The databases pg_dumpall dumps, in its order: template1 first, then by name; never template0. */
    private List<Database> databases() {
        String sql = "SELECT datname, pg_database_size(oid) FROM pg_database WHERE datallowconn AND datconnlimit <> -2"
                + " ORDER BY (datname <> 'template1'), datname";
        String out = runner.runChecked(Command.of(tools.path("psql").toString(), "-X", "-w", "-A", "-t", "-q",
                                "--field-separator-zero", "--record-separator-zero", "-d", "template1", "-c", sql)
                        .runAs(owner.name()).captureStdout().timeout(Duration.ofMinutes(2)).build(),
                ErrorCode.BACKUP_FAILED, "list the databases of the running server").stdout();
        // Unaligned, tuples only, every field ended by a zero byte: names may hold any other character.
        String[] fields = out.split("\0", -1);
        List<Database> databases = new ArrayList<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            String name = fields[i];
            String size = fields[i + 1].strip();
            if (name.isEmpty() || !size.matches("[0-9]+")) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Unexpected database list from the running server"
                        + " near field " + i + ".");
            }
            databases.add(new Database(name, Long.parseLong(size)));
        }
        return databases;
    }

    /** @param database a database name @return a libpq connection string naming it, so no name is misread as one */
    public static String connectionString(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private void run(Command.Builder command, String what, Path partial) {
        ProcessResult result = runner.run(command.runAs(owner.name()).timeout(Duration.ofHours(24)).build());
        if (!result.succeeded()) {
            if (result.stderrTail().contains("No space left on device")) {
                throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The backup ran out of space in "
                        + backupDirectory + " during " + what + ". Free space there and run pre-upgrade again; the old"
                        + " cluster is untouched.");
            }
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, what + " failed with exit code " + result.exitCode()
                    + ": " + result.lastErrorLine() + ". The old cluster is untouched; fix the cause and run"
                    + " pre-upgrade again.");
        }
    }

    private void restrict(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------"));
                owner.chown(p);
            }
        }
    }

    /** Puts the finished directory in place of an older backup of the same name (a rerun of pre-upgrade). */
    private static void replace(Path partial, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path old = target.resolveSibling(target.getFileName() + ".old.partial");
            BackupFiles.deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            BackupFiles.deleteTree(old);
        } else {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            BackupFiles.deleteTree(p);
        } catch (IOException ignored) {
            // the next run removes *.partial anyway
        }
    }
}
