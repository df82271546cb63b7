package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.backup.DumpallTrailer;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps the old cluster, served by an {@link OldServer} in the new container, with this image's
 * {@code pg_dumpall} into a work file: checked like every dump (exit code, the completion trailer).
 * The file is no backup: it exists only for the restore that follows in the same attempt, under a
 * name of its own per attempt (an orphaned {@code pg_dumpall} of a killed attempt appends by name),
 * and every attempt starts without it.
 *
 * @param file the finished dump
 * @param size its size in bytes
 * @param toolVersion the {@code pg_dumpall} version that wrote it
 */
public record OldClusterDump(Path file, long size, String toolVersion) {

    private static final Logger LOG = LoggerFactory.getLogger(OldClusterDump.class);

    /**
     * @param server the running old server
     * @param superuser the bootstrap superuser, who may read everything
     * @param tools this image's client programs
     * @param runner runs {@code pg_dumpall}
     * @param owner the database OS user, who writes the file
     * @param directory where the file goes (created, owned by {@code owner})
     * @return the checked dump
     * @throws UpgradeException ({@code DU-SPACE} when the volume ran full, else {@code DU-BACKUP})
     */
    public static OldClusterDump write(OldServer server, String superuser, ClientTools tools, ProcessRunner runner,
                                       ServerOwner owner, Path directory) {
        long t0 = System.nanoTime();
        Path file = directory.resolve("old-cluster." + ProcessHandle.current().pid() + "-" + System.currentTimeMillis()
                + ".sql");
        try {
            Files.createDirectories(directory);
            owner.chown(directory);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot create " + directory + " for the dump of the"
                    + " old cluster: " + e.getMessage(), e);
        }
        String version = tools.version("pg_dumpall");
        ProcessResult r = runner.run(Command.of(tools.path("pg_dumpall").toString(), "-w", "-h",
                        server.socketDirectory().toString(), "-p", Integer.toString(server.port()), "-U", superuser,
                        "-f", file.toString())
                .runAs(owner.name()).timeout(Duration.ofHours(24)).label("pg_dumpall").build());
        if (r.ranOutOfSpace()) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The dump of the old cluster ran out of space in "
                    + directory + ". Free space, then run 'dogu-upgrade retry-restore'; the old cluster is untouched.");
        }
        if (!r.succeeded()) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "pg_dumpall of the old cluster on "
                    + server.dataDirectory() + " failed (exit " + r.exitCode() + "): " + r.lastErrorLine()
                    + ". The old cluster is untouched.");
        }
        try {
            try {
                DumpallTrailer.require(file);
            } catch (UpgradeException e) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The dump " + file + " of the old cluster lacks"
                        + " pg_dumpall's completion line: it is incomplete. The old cluster is untouched.", e);
            }
            long size = Files.size(file);
            LOG.info("old cluster {} dumped with pg_dumpall {} into {} ({}) in {} ms", server.dataDirectory(), version,
                    file, ProgressReporter.mib(size), (System.nanoTime() - t0) / 1_000_000);
            return new OldClusterDump(file, size, version);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot read the dump " + file + " of the old cluster: "
                    + e.getMessage(), e);
        }
    }
}
