package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.backup.ClusterDumper;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.restore.DumpRestore;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.nio.file.Path;

/**
 * One {@code pg_dumpall} SQL file, restored with {@code psql} (the seed's format, the default);
 * manifest format {@value BackupManifest#FORMAT_PLAIN}.
 */
final class PlainFormat implements BackupFormat {

    private final FormatTools tools;

    /** @param tools what dumping and restoring use */
    PlainFormat(FormatTools tools) {
        this.tools = tools;
    }

    @Override
    public String manifestFormat() {
        return BackupManifest.FORMAT_PLAIN;
    }

    @Override
    public Path dump(DumpRequest request) {
        return new ClusterDumper(new BackupDirectory(tools.backupDirectory(), tools.owner()), tools.clientTools(),
                tools.runner(), tools.owner(), tools.listener()).dump(request);
    }

    @Override
    public void verify(Path backup, BackupManifest manifest) {
        BackupVerifier.verifyFile(backup, manifest);
    }

    @Override
    public void restore(Path backup, BackupManifest manifest, TemporaryServer server) {
        new DumpRestore(server, tools.clientTools(), tools.runner(), tools.listener())
                .restore(backup, manifest.size(), manifest.dumpToolVersion());
    }

    @Override
    public void removeLeftovers(Path backupDirectory) {
        BackupDirectory.removePublished(backupDirectory, ClusterDumper.GLOB);
    }
}
