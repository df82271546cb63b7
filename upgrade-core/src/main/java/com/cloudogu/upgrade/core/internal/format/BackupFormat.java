package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.core.internal.backup.AtomicPublish;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.nio.file.Path;

/**
 * One way to carry a cluster from the old major to the new one, in four steps that the phases call
 * without knowing the format: {@link #dump} in pre-upgrade (old container, old server running),
 * {@link #verify} before anything is changed on the backup's behalf, {@link #restore} into the fresh
 * cluster of the new major, and {@link #removeLeftovers} once a restore counts. The format is chosen
 * once: from the settings when dumping, from the manifest's recorded {@link #manifestFormat()} for
 * everything after ({@link BackupFormats}). Every format publishes its backup with
 * {@link AtomicPublish}, so a backup under its final name is always complete, synced and described
 * by its manifest.
 *
 * <p><b>A third format, {@code pg_upgrade}</b>, fits without touching the phases: {@code dump} copies
 * the old installation (programs, {@code pkglibdir}, {@code sharedir}, their shared-library closure)
 * into a partial directory and publishes it with a manifest of its own format (e.g. {@code pg-upgrade-1})
 * that lists every file with its SHA-256, plus the old cluster's settings the new cluster must mirror;
 * {@code verify} checks those files as the parallel format does and runs the copied programs with
 * {@code -V}; {@code restore} receives the fresh, initdb'd target served by the temporary server and runs
 * {@code pg_upgrade} between the old data directory and it while that server is stopped
 * ({@link TemporaryServer#restartWith}), then lets the engine go on as after any restore (statistics,
 * promotion, disposal of the old cluster); {@code removeLeftovers} removes the copied installations.
 * Register it in {@link BackupFormats} under its manifest format.
 */
public interface BackupFormat {

    /** @return the {@code format} value of the manifests this format writes */
    String manifestFormat();

    /**
     * Writes the backup of the running old cluster and publishes it atomically with its manifest.
     *
     * @param request what to dump and what to record about it
     * @return the published backup (a file or a directory in the backup directory)
     */
    Path dump(DumpRequest request);

    /**
     * Checks a backup against its manifest before anything is changed on its behalf.
     *
     * @param backup the recorded backup
     * @param manifest its manifest, which records this format
     * @throws com.cloudogu.upgrade.api.UpgradeException with {@code RESTORE_FAILED} naming what is wrong
     */
    void verify(Path backup, BackupManifest manifest);

    /**
     * Restores a verified backup into the fresh cluster served by {@code server}, stopping at the first
     * error; the bootstrap superuser keeps its current password.
     *
     * @param backup the verified backup
     * @param manifest its manifest
     * @param server the temporary server on the fresh cluster of the new major
     * @throws com.cloudogu.upgrade.api.UpgradeException if the restore failed (the next attempt starts
     *     from a fresh cluster), a {@code RestoreInterruptedException} if it was killed
     */
    void restore(Path backup, BackupManifest manifest, TemporaryServer server);

    /**
     * Whether {@link #restore} starts on the stopped target (pg_upgrade needs it so): the engine then
     * hands it a server that is only {@linkplain TemporaryServer#prepare prepared}, and the format
     * starts it when it needs one, instead of a server started only to be stopped again.
     *
     * @return true if the server passed to {@link #restore} may not be running yet
     */
    default boolean restoresOntoStoppedTarget() {
        return false;
    }

    /**
     * Whether the last {@link #restore} carried the old cluster's planner statistics over, so that only
     * relations without any need {@code ANALYZE} (pg_upgrade from 18 on; a dump carries none).
     *
     * @return true only after a restore that carried them
     */
    default boolean carriedStatistics() {
        return false;
    }

    /**
     * Removes every published backup of this format in the backup directory, manifests first.
     *
     * @param backupDirectory where backups are written
     */
    void removeLeftovers(Path backupDirectory);
}
