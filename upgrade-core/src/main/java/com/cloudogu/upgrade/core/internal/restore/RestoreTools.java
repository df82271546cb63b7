package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import java.nio.file.Path;

/**
 * What every restore program ({@code psql}, {@code pg_restore}) shares: it must be at least as new as
 * the dump program that wrote the backup, and its end is judged the same way — out of space, killed
 * (an interruption the next start redoes) or stopped at the first error (a recorded failure).
 */
final class RestoreTools {

    private RestoreTools() {
    }

    /**
     * @param tools client programs
     * @param tool the restore program, e.g. {@code psql}
     * @param dumpTool the program that wrote the backup, e.g. {@code pg_dumpall}
     * @param dumpToolVersion its version as recorded in the manifest (empty: unknown, no check)
     * @param backup what is restored, for the message
     * @param otherwise what goes wrong with an older program, e.g. {@code may reject its commands}
     */
    static void requireAtLeast(ClientTools tools, String tool, String dumpTool, String dumpToolVersion, Path backup,
                               String otherwise) {
        String version = tools.version(tool);
        if (!dumpToolVersion.isEmpty() && ClientTools.compareVersions(version, dumpToolVersion) < 0) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, tool + " " + version + " is older than the " + dumpTool
                    + " " + dumpToolVersion + " that wrote " + backup + " and " + otherwise + ". Put a " + tool
                    + " of version " + dumpToolVersion + " or newer on PATH.");
        }
    }

    /**
     * @param result how the restore program ended
     * @param what the restore, e.g. {@code Restoring /backup/cluster-14.sql}
     * @param tool the program, e.g. {@code psql}
     * @param backup the backup, for the out-of-space message
     * @param backupSize its size, for the out-of-space estimate
     * @throws UpgradeException unless the program succeeded
     */
    static void requireSucceeded(ProcessResult result, String what, String tool, Path backup, long backupSize) {
        if (result.ranOutOfSpace()) {
            throw new UpgradeException(ErrorCode.INSUFFICIENT_SPACE, "The restore of " + backup + " ran out of space in"
                    + " PGDATA; about " + ProgressReporter.mib(RestoreSpace.estimate(backupSize)) + " are needed."
                    + " Free space, then run 'dogu-upgrade retry-restore' (or 'dogu-upgrade abort'); the backup and the"
                    + " old cluster are kept.");
        }
        if (result.interrupted()) {
            throw new RestoreInterruptedException(what + " was interrupted (" + tool + " exit " + result.exitCode() + "): "
                    + result.firstErrorLine() + ". The backup and the old cluster are kept; the next start restores"
                    + " again from a fresh cluster.");
        }
        if (!result.succeeded()) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, what + " stopped at the first error (" + tool + " exit "
                    + result.exitCode() + "): " + result.firstErrorLine().replaceFirst("\\.$", "")
                    + ". The backup and the old cluster are kept.");
        }
    }
}
