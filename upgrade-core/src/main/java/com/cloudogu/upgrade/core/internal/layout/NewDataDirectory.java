package com.cloudogu.upgrade.core.internal.layout;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        ensureParentsOf(dir, owner);
        create(dir, "rwx------", owner);
        LOG.info("created PGDATA {} for the new image (owner {})", dir, owner.name());
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
        create(parent, "rwxr-xr-x", owner);
    }

    private static void create(Path dir, String mode, ServerOwner owner) {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            owner.chown(dir);
            Durable.syncDirectory(dir.getParent());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot create " + dir + " (" + e + "). Check that"
                    + " the data volume is mounted and writable; nothing else was changed.", e);
        }
    }

}
