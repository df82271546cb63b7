package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Puts a finished backup in place so that its final name only ever shows a complete, synced backup
 * with its manifest: the dump is written under a name of this attempt ({@link #partial()}), then
 * {@link #publish} writes the manifest under a partial name too, syncs both, renames the backup and
 * then the manifest into place and syncs the directory. A crash before the rename leaves only
 * {@code *.partial} names, which the next attempt removes ({@link BackupDirectory#prepare()}); a
 * crash between the two renames leaves a backup whose old or missing manifest does not verify it.
 */
public final class AtomicPublish {

    private static final String ATTEMPT = ProcessHandle.current().pid() + "-" + Long.toString(System.currentTimeMillis(), 36);

    private final Path target;
    private final Path partial;
    private final Path manifestPartial;
    private final ServerOwner owner;
    private final Runnable beforeRename;

    /**
     * @param target the backup's final name
     * @param owner the database OS user, who alone may read the backup
     */
    public AtomicPublish(Path target, ServerOwner owner) {
        this(target, owner, () -> { });
    }

    /** @param beforeRename runs after everything is synced, just before the first rename (tests crash there) */
    AtomicPublish(Path target, ServerOwner owner, Runnable beforeRename) {
        this.target = target;
        // A name of this attempt's own: a pg_dump left running by a killed earlier attempt writes to
        // its own names and can never touch this attempt's files.
        this.partial = target.resolveSibling(target.getFileName() + "." + ATTEMPT + ".partial");
        this.manifestPartial = target.resolveSibling(target.getFileName() + ".manifest." + ATTEMPT + ".partial");
        this.owner = owner;
        this.beforeRename = beforeRename;
    }

    /** @return the final name */
    public Path target() {
        return target;
    }

    /** @return where the dump is written: a file, or a directory for a format of several files */
    public Path partial() {
        return partial;
    }

    /**
     * Publishes the finished partial backup (already restricted to the owner) under its final name,
     * replacing an older backup of the same name (a rerun of pre-upgrade).
     *
     * @param manifest what is known about it, written next to it
     * @throws IOException if any step fails; nothing is published then
     */
    public void publish(BackupManifest manifest) throws IOException {
        manifest.write(manifestPartial);
        Files.setPosixFilePermissions(manifestPartial, PosixFilePermissions.fromString("rw-------"));
        owner.chown(manifestPartial);
        Durable.syncFile(manifestPartial);
        if (Files.isDirectory(partial, LinkOption.NOFOLLOW_LINKS)) {
            Durable.syncDirectory(partial);
        } else {
            Durable.syncFile(partial);
        }
        beforeRename.run();
        replace();
        Files.move(manifestPartial, BackupManifest.pathFor(target), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDirectory(target.toAbsolutePath().getParent());
        Checkpoint.PRE_UPGRADE_BACKUP_RENAMED.reach();
    }

    /** Removes the partial backup and manifest of this attempt; best effort, the next attempt removes them anyway. */
    public void discard() {
        try {
            BackupFiles.deleteTree(partial);
            Files.deleteIfExists(manifestPartial);
        } catch (IOException ignored) {
            // the next run removes *.partial anyway
        }
    }

    /** A directory cannot replace another by one rename: the older one is moved aside first. */
    private void replace() throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(partial, LinkOption.NOFOLLOW_LINKS)
                && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path old = target.resolveSibling(target.getFileName() + ".old.partial");
            BackupFiles.deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            BackupFiles.deleteTree(old);
        } else {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
