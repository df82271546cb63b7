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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
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
    /** Names of published parallel backups (directories) in the backup directory. */
    public static final String GLOB = "cluster-*.d";

    private final BackupDirectory directory;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final ServerOwner owner;
    private final UpgradeListener listener;
    private final int jobs;

    /**
     * @param directory where backups go
     * @param tools client programs ({@code pg_dumpall}, {@code pg_dump}, {@code psql})
     * @param runner runs them
     * @param owner the database OS user, owner of the backup
     * @param listener receives progress
     * @param jobs {@code pg_dump} jobs per database (at least 1)
     */
    public ParallelClusterDumper(BackupDirectory directory, ClientTools tools, ProcessRunner runner, ServerOwner owner,
                                 UpgradeListener listener, int jobs) {
        this.directory = directory;
        this.tools = tools;
        this.runner = runner;
        this.owner = owner;
        this.listener = listener;
        this.jobs = Math.max(1, jobs);
    }

    /**
     * @param request what to dump and what to record about it
     * @return the finished, verified backup directory
     */
    public Path dump(DumpRequest request) {
        RunningCluster.Facts facts = request.facts();
        directory.prepare();
        directory.requireSpace(facts.sizeBytes());
        AtomicPublish publish = new AtomicPublish(directory.path().resolve("cluster-" + request.from() + ".d"), owner);
        Path target = publish.target();
        Path partial = publish.partial();
        String toolVersion = tools.version("pg_dump");
        long t0 = System.nanoTime();
        try {
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            owner.chown(partial);
            List<Database> databases = databases();
            Checkpoint.PRE_UPGRADE_BEFORE_DUMP.reach();
            try (ProgressReporter progress = new ProgressReporter("dump", () -> BackupFiles.size(partial),
                    facts.sizeBytes(), listener, Duration.ofSeconds(5))) {
                run(Command.of(tools.path("pg_dumpall").toString(), "-w", "--globals-only", "-f",
                        partial.resolve(DatabaseList.GLOBALS).toString()), "pg_dumpall --globals-only");
                DumpallTrailer.require(partial.resolve(DatabaseList.GLOBALS));
                DatabaseList list = DatabaseList.of(databases.stream().map(Database::name).toList());
                Map<String, Long> sizes = new HashMap<>();
                databases.forEach(d -> sizes.put(d.name(), d.size()));
                DatabaseLanes.run(list.entries(), jobs, db -> sizes.get(db.name()), db -> {
                    long d0 = System.nanoTime();
                    run(Command.of(tools.path("pg_dump").toString(), "-w", "--format=directory", "--jobs=" + jobs,
                            "--compress=0", "--file=" + partial.resolve(db.directory()),
                            ClientTools.connectionString(db.name())), "pg_dump of database '" + db.name() + "'");
                    LOG.info("dumped database {} in {} ms", db.name(), (System.nanoTime() - d0) / 1_000_000);
                });
                list.write(partial.resolve(DatabaseList.FILE));
            }
            Checkpoint.PRE_UPGRADE_DUMP_FINISHED.reach();
            List<String> paths = BackupFiles.relativeFiles(partial);
            List<BackupManifest.FileEntry> files = FileDigests.measure(partial, paths, jobs, true);
            restrict(partial);
            long size = files.stream().mapToLong(BackupManifest.FileEntry::size).sum();
            publish.publish(new BackupManifest(size, FileDigests.listDigest(files), request.from(), request.to(),
                    facts.serverVersionNum(), toolVersion, facts.settings(), BackupManifest.FORMAT_PARALLEL, files,
                    facts.sizeBytes(), request.old()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info("backup {} written: {} databases, {} files, {}, {} s ({}/s, {} jobs)", target, databases.size(),
                    files.size(), ProgressReporter.mib(size), String.format(Locale.ROOT, "%.1f", seconds),
                    ProgressReporter.mib((long) (size / Math.max(seconds, 0.001))), jobs);
            return target;
        } catch (IOException e) {
            publish.discard();
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot finish the backup " + target + ": " + e
                    + ". The old cluster is untouched; run pre-upgrade again.", e);
        } catch (RuntimeException e) {
            publish.discard();
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

    private void run(Command.Builder command, String what) {
        ProcessResult result = runner.run(command.runAs(owner.name()).timeout(Duration.ofHours(24)).build());
        if (!result.succeeded()) {
            if (result.ranOutOfSpace()) {
                throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The backup ran out of space in "
                        + directory.path() + " during " + what + ". Free space there and run pre-upgrade again; the old"
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
}
