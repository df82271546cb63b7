package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.backup.ParallelClusterDumper;
import com.cloudogu.upgrade.core.internal.restore.ParallelRestore;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.nio.file.Path;

/**
 * A directory: the globals from {@code pg_dumpall --globals-only}, every database as a {@code pg_dump}
 * directory archive, dumped and restored with several jobs; manifest format
 * {@value BackupManifest#FORMAT_PARALLEL}.
 */
final class ParallelFormat implements BackupFormat {

    private final FormatTools tools;

    /** @param tools what dumping and restoring use */
    ParallelFormat(FormatTools tools) {
        this.tools = tools;
    }

    @Override
    public String manifestFormat() {
        return BackupManifest.FORMAT_PARALLEL;
    }

    @Override
    public Path dump(DumpRequest request) {
        return new ParallelClusterDumper(new BackupDirectory(tools.backupDirectory(), tools.owner()),
                tools.clientTools(), tools.runner(), tools.owner(), tools.listener(), tools.jobs()).dump(request);
    }

    @Override
    public void verify(Path backup, BackupManifest manifest) {
        BackupVerifier.verifyDirectory(backup, manifest, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void restore(Path backup, BackupManifest manifest, TemporaryServer server) {
        new ParallelRestore(server, tools.clientTools(), tools.runner(), tools.listener(), tools.jobs())
                .restore(backup, manifest);
    }

    @Override
    public void removeLeftovers(Path backupDirectory) {
        BackupDirectory.removePublished(backupDirectory, ParallelClusterDumper.GLOB);
    }
}
