package com.cloudogu.upgrade.core.layout;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.server.ServerOwner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the new image's {@code PGDATA} when it is missing, as it is when a major upgrade's new
 * container starts: the mounted volume hides the image's own directory. Like the official
 * entrypoint: {@code PGDATA} 0700, missing parents 0755, all owned by the database OS user.
 */
public final class NewDataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(NewDataDirectory.class);

    private NewDataDirectory() {
    }

    /**
     * @param pgdata the new image's {@code PGDATA}
     * @param owner the database OS user
     * @return whether anything was created
     */
    public static boolean ensure(Path pgdata, ServerOwner owner) {
        Path dir = pgdata.toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            return false;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        try {
            for (Path p : missing) {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        p.equals(dir) ? "rwx------" : "rwxr-xr-x")));
                owner.chown(p);
                fsync(p.getParent());
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot create PGDATA " + dir + " (" + e + "). Check"
                    + " that the data volume is mounted and writable; nothing else was changed.", e);
        }
        LOG.info("created PGDATA {} for the new image ({} directories, owner {})", dir, missing.size(), owner.name());
        return true;
    }

    /**
     * @param pgdata a {@code PGDATA} that is to be moved or renamed into place
     * @param owner the database OS user
     */
    public static void ensureParentsOf(Path pgdata, ServerOwner owner) {
        Path parent = pgdata.toAbsolutePath().normalize().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        ensureParentsOf(parent, owner);
        try {
            Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            owner.chown(parent);
            fsync(parent.getParent());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot create " + parent + " (" + e + "). Check that"
                    + " the data volume is mounted and writable; nothing else was changed.", e);
        }
    }

    /** @param dir a directory whose entries changed @throws IOException if it cannot be synced */
    static void fsync(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
