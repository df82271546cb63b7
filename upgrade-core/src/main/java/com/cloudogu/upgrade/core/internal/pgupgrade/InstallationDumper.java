package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
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

    /**
     * @param directory the backup directory
     * @param server the old image's installation on {@code PATH}
     * @param runner runs {@code pg_config} and {@code ldd}
     */
    public InstallationDumper(BackupDirectory directory, PostgresInstallation server, ProcessRunner runner) {
        this.directory = directory;
        this.server = server;
        this.runner = runner;
    }

    /**
     * @param request the old cluster's facts and the versions
     * @return the published copy
     */
    public Path dump(DumpRequest request) {
        long t0 = System.nanoTime();
        directory.prepare();
        OldInstallation old = OldInstallation.of(server, runner);
        // root keeps the copy: the database user may read and run it, never change it
        AtomicPublish publish = new AtomicPublish(directory.path().resolve("pg-upgrade-" + request.from() + ".d"),
                ServerOwner.of("root"));
        try {
            Files.createDirectory(publish.partial());
            Checkpoint.PRE_UPGRADE_BEFORE_DUMP.reach();
            new InstallationCopy(runner).copyInto(old, publish.partial());
            Checkpoint.PRE_UPGRADE_DUMP_FINISHED.reach();
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
}
