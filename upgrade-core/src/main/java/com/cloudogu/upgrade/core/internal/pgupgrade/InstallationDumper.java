package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.backup.AtomicPublish;
import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.backup.FileDigests;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pre-upgrade's part of the pg_upgrade method: instead of a dump, the old installation is carried
 * over the volume into the backup directory as {@code pg-upgrade-<from>.d}, published like every
 * backup (partial name, fsync, manifest listing every file with its SHA-256, rename). The manifest
 * also records the old cluster's settings, which the new cluster's initdb mirrors.
 */
public final class InstallationDumper {

    private static final Logger LOG = LoggerFactory.getLogger(InstallationDumper.class);
    /** Manifest format of a carried-over installation. */
    public static final String FORMAT = "pg-upgrade-1";
    /** Names of published installations in the backup directory. */
    public static final String GLOB = "pg-upgrade-*.d";

    private final BackupDirectory directory;
    private final PostgresInstallation server;
    private final ProcessRunner runner;
    private final PgUpgradeMode mode;
    private final Optional<Function<DumpRequest, Path>> rollbackDumper;

    /**
     * An installation dumper that writes no rollback dump.
     *
     * @param directory the backup directory
     * @param server the old image's installation on {@code PATH}
     * @param runner runs {@code pg_config} and {@code ldd}
     */
    public InstallationDumper(BackupDirectory directory, PostgresInstallation server, ProcessRunner runner) {
        this(directory, server, runner, PgUpgradeMode.AUTO, Optional.empty());
    }

    /**
     * @param directory the backup directory
     * @param server the old image's installation on {@code PATH}
     * @param runner runs {@code pg_config} and {@code ldd}
     * @param mode the pg_upgrade mode asked for: decides whether link mode may run later
     * @param rollbackDumper writes and publishes a plain backup, when {@code --pg-upgrade-rollback dump};
     *     empty for {@code none} (the operator keeps a volume snapshot)
     */
    public InstallationDumper(BackupDirectory directory, PostgresInstallation server, ProcessRunner runner,
                              PgUpgradeMode mode, Optional<Function<DumpRequest, Path>> rollbackDumper) {
        this.directory = directory;
        this.server = server;
        this.runner = runner;
        this.mode = mode;
        this.rollbackDumper = rollbackDumper;
    }

    /**
     * @param request the old cluster's facts and the versions
     * @return the published copy
     */
    public Path dump(DumpRequest request) {
        long t0 = System.nanoTime();
        directory.prepare();
        new LinkJournal(directory.path()).clear(); // a journal of an earlier upgrade means nothing for this one
        OldInstallation old = OldInstallation.of(server, runner);
        long free = usableSpace(directory.path());
        long installation = installationBytes(old);
        // What post-upgrade will find free, before any dump: decides whether auto may end up linking.
        boolean mayLink = ModeChoice.mayLink(mode, free - installation, request.facts().sizeBytes());
        boolean withDump = rollbackDumper.isPresent() && mayLink;
        requireSpace(installation, withDump ? BackupDirectory.spaceNeeded(request.facts().sizeBytes()) : 0, free);
        Optional<RollbackDump> rollback = Optional.empty();
        if (withDump) {
            LOG.info("link mode may run later ({} asked for); writing a plain dump as its rollback", mode);
            Path dump = rollbackDumper.get().apply(request);
            rollback = Optional.of(new RollbackDump(dump, BackupManifest.readFor(dump).sha256()));
        } else if (mayLink) {
            LOG.info("link mode may run later ({} asked for); no rollback dump (--pg-upgrade-rollback none):"
                    + " the operator's volume snapshot is the way back", mode);
        }
        // root keeps the copy: the database user may read and run it, never change it
        AtomicPublish publish = new AtomicPublish(directory.path().resolve("pg-upgrade-" + request.from() + ".d"),
                ServerOwner.of("root"));
        try {
            Files.createDirectory(publish.partial());
            Checkpoint.PRE_UPGRADE_BEFORE_DUMP.reach();
            new InstallationCopy(runner).copyInto(old, publish.partial());
            Checkpoint.PRE_UPGRADE_DUMP_FINISHED.reach();
            if (rollback.isPresent()) {
                rollback.get().writeInto(publish.partial());
            }
            InstallationCopy.sealed(publish.partial());
            List<String> paths = BackupFiles.relativeFiles(publish.partial());
            List<BackupManifest.FileEntry> files = FileDigests.measure(publish.partial(), paths, 2, false);
            long size = files.stream().mapToLong(BackupManifest.FileEntry::size).sum();
            publish.publish(new BackupManifest(size, FileDigests.listDigest(files), request.from(), request.to(),
                    request.facts().serverVersionNum(), "pg_upgrade", request.facts().settings(), FORMAT, files,
                    request.facts().sizeBytes(), request.old()));
            LOG.info("old installation {} published as {} ({} files, {} bytes) in {} ms", old.version(),
                    publish.target(), files.size(), size, (System.nanoTime() - t0) / 1_000_000);
            return publish.target();
        } catch (IOException e) {
            publish.discard();
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot carry the old installation over to "
                    + publish.target() + ": " + e + ". The old cluster is untouched; run pre-upgrade again.", e);
        } catch (RuntimeException e) {
            publish.discard();
            throw e;
        }
    }

    /** The copy and the rollback dump, if any, must fit before anything is written (ENOSPC half-way helps nobody). */
    private void requireSpace(long installation, long dumpBytes, long free) {
        long needed = installation + dumpBytes + ModeChoice.MARGIN;
        if (free < needed) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "Not enough space in " + directory.path()
                    + " for the pg_upgrade method: about " + (needed >> 20) + " MiB needed (old installation "
                    + (installation >> 20) + " MiB" + (dumpBytes > 0 ? ", rollback dump " + (dumpBytes >> 20) + " MiB" : "")
                    + ", margin), " + (free >> 20) + " MiB free. Free space and run pre-upgrade again; nothing was written.");
        }
        LOG.info("disk space check: {} MiB needed, {} MiB free in {}", needed >> 20, free >> 20, directory.path());
    }

    /** The programs, the package library and the share directory; the library closure is small and in the margin. */
    private static long installationBytes(OldInstallation old) {
        return old.programs().stream().mapToLong(BackupFiles::size).sum() + BackupFiles.size(old.pkglib())
                + BackupFiles.size(old.share());
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot read free space of " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
