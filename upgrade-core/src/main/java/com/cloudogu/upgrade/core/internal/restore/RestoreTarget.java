package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares {@code PGDATA} for a restore: every attempt starts from a freshly initialized cluster of
 * the new major. Only a cluster this tool initialized as a restore target (marker file, new major)
 * is ever wiped; any other cluster is moved aside on the same volume, never deleted, so the old
 * data survives until a restore succeeded.
 */
public final class RestoreTarget {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreTarget.class);

    private final DataDirectory data;
    private final int newMajor;
    private final ServerOwner owner;

    /**
     * @param data {@code PGDATA}
     * @param newMajor the major of the server programs in this image
     * @param owner the database OS user
     */
    public RestoreTarget(DataDirectory data, int newMajor, ServerOwner owner) {
        this.data = data;
        this.newMajor = newMajor;
        this.owner = owner;
    }

    /**
     * Moves an old cluster aside if there is one (idempotent). Does not initialize.
     *
     * @return where the old cluster now lies, if one was moved
     */
    public Optional<Path> moveOldClusterAside() {
        if (!data.isInitialized() || isOurTarget()) {
            return Optional.empty();
        }
        String major = data.postgresMajor().orElseThrow();
        Path aside = data.asideLocation(major);
        for (int i = 2; Files.exists(aside); i++) {
            aside = data.path().resolveSibling(data.asideLocation(major).getFileName() + "-" + i);
        }
        try {
            Files.move(data.path(), aside, StandardCopyOption.ATOMIC_MOVE);
            Files.createDirectory(data.path(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            owner.chown(data.path());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot move the PostgreSQL " + major + " cluster in "
                    + data.path() + " aside to " + aside + " (" + e + "). PGDATA must be a directory below the volume,"
                    + " not the mount point itself. Nothing was deleted.", e);
        }
        LOG.info("moved the PostgreSQL {} cluster aside: {} -> {} (deleted only after the restore succeeded)", major,
                data.path(), aside);
        return Optional.of(aside);
    }

    /**
     * Makes {@code PGDATA} a fresh, empty cluster of the new major marked as restore target.
     *
     * @param initializer runs initdb
     * @param settings the old cluster's initdb settings
     * @param superuser bootstrap superuser
     * @param password its password, if known
     */
    public void recreate(ClusterInitializer initializer, ClusterSettings settings, String superuser,
                         Optional<String> password) {
        moveOldClusterAside();
        if (isOurTarget() || isHalfDiscarded()) {
            LOG.info("discarding the partial restore target in {} to start over from a fresh cluster", data.path());
            wipeContents(data.path());
        } else if (!data.isEmpty()) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + data.path() + " is not empty but holds no"
                    + " PostgreSQL cluster; refusing to restore into it. Move its contents elsewhere and retry.");
        }
        initializer.initialize(data, settings, superuser, password);
        try {
            Path marker = data.path().resolve(DataDirectory.RESTORE_TARGET_MARKER);
            Files.writeString(marker, "initialized by dogu-upgrade for a restore; wiped and redone if the restore is"
                    + " interrupted\n");
            owner.chown(marker);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot mark " + data.path() + " as restore target: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Wipes a restore target this tool initialized and did not promote (a failed or interrupted
     * restore), leaving {@code PGDATA} empty for the next attempt. Any other content is left alone.
     *
     * @return whether a partial restore target was discarded
     */
    public boolean discardPartial() {
        if (!isOurTarget() && !isHalfDiscarded()) {
            return false;
        }
        // PG_VERSION first, so the rest never passes for a cluster; the marker last, so a crash leaves a
        // directory the next attempt still recognises as ours.
        try {
            Files.deleteIfExists(data.path().resolve("PG_VERSION"));
            try (java.util.stream.Stream<Path> entries = Files.list(data.path())) {
                for (Path e : entries.filter(e -> !e.getFileName().toString().equals(DataDirectory.RESTORE_TARGET_MARKER))
                        .toList()) {
                    deleteTree(e);
                    Files.deleteIfExists(e);
                }
            }
            Files.deleteIfExists(data.path().resolve(DataDirectory.RESTORE_TARGET_MARKER));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot clear the partial restore target "
                    + data.path() + ": " + e.getMessage(), e);
        }
        LOG.info("discarded the partial restore target in {}; the next restore starts from a fresh cluster", data.path());
        return true;
    }

    /** @return a restore target whose discarding was interrupted: the marker without {@code PG_VERSION} */
    private boolean isHalfDiscarded() {
        return data.isRestoreTarget() && !data.isInitialized();
    }

    /** Turns the restore target into the real cluster: after this it is never wiped. */
    public void promote() {
        try {
            Files.deleteIfExists(data.path().resolve(DataDirectory.RESTORE_TARGET_MARKER));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot remove the restore-target marker in "
                    + data.path() + ": " + e.getMessage(), e);
        }
    }

    private boolean isOurTarget() {
        return data.isRestoreTarget() && data.postgresMajor().map(m -> m.equals(Integer.toString(newMajor))).orElse(false);
    }

    static void wipeContents(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (!d.equals(dir)) {
                        Files.delete(d);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot clear the restore target " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** @param tree a directory tree to delete (the old cluster after a successful restore) */
    public static void deleteTree(Path tree) {
        if (Files.isDirectory(tree)) {
            wipeContents(tree);
            try {
                Files.delete(tree);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", tree, e.getMessage());
            }
        }
    }
}
