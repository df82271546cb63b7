package com.cloudogu.upgrade.core.internal.layout;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a cluster to the new image's {@code PGDATA} when only the layout changed, not the major
 * (dogu 14.17 → 14.21: the volume root → {@code <volume>/14/docker}). Renames within one file
 * system, so it takes the same time for 1 MB and 1 TB, and needs no backup.
 *
 * <p>Crash safety without a journal: every step is one {@code rename(2)}; {@code PG_VERSION} moves
 * last, so the target counts as a cluster only once every other entry is there, and the source
 * stops counting as one only then. A rerun moves what is still in the source; {@link #undo()} moves
 * {@code PG_VERSION} back first and then the rest.
 */
public final class ClusterRelocation {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRelocation.class);

    private final Path from;
    private final Path to;
    private final ClusterRelation relation;
    private final ServerOwner owner;

    /**
     * @param from the old cluster's directory
     * @param to the new {@code PGDATA}
     * @param owner the database OS user
     */
    public ClusterRelocation(Path from, Path to, ServerOwner owner) {
        this.from = from.toAbsolutePath().normalize();
        this.to = to.toAbsolutePath().normalize();
        this.relation = ClusterRelation.of(this.from, this.to);
        this.owner = owner;
    }

    /** @return whether some of the cluster is still at the old path (a relocation to do or to finish) */
    public boolean pending() {
        if (relation == ClusterRelation.SAME_PATH) {
            return false;
        }
        if (relation == ClusterRelation.SIBLING) {
            return Files.isRegularFile(from.resolve(ClusterEntries.PG_VERSION));
        }
        return !ClusterEntries.of(from).isEmpty() && (Files.isRegularFile(from.resolve(ClusterEntries.PG_VERSION))
                || Files.isDirectory(to));
    }

    /** Moves the cluster; finishes an interrupted move. */
    public void run() {
        long t0 = System.nanoTime();
        Checkpoint.RELOCATION_START.reach();
        try {
            if (relation == ClusterRelation.SIBLING) {
                if (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(to)) {
                    throw conflict(to);
                }
                NewDataDirectory.ensureParentsOf(to, owner);
                Files.deleteIfExists(to);
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                Durable.syncDirectory(to.getParent());
                Durable.syncDirectory(from.getParent());
            } else {
                NewDataDirectory.ensure(to, owner);
                List<Path> entries = ClusterEntries.of(from);
                // PG_VERSION is first in the list: move it last.
                for (Path e : entries.subList(Math.min(1, entries.size()), entries.size())) {
                    move(e, to.resolve(e.getFileName().toString()));
                    Checkpoint.RELOCATION_ENTRY_MOVED.reach();
                }
                if (!entries.isEmpty() && entries.get(0).getFileName().toString().equals(ClusterEntries.PG_VERSION)) {
                    Durable.syncDirectory(to);
                    move(entries.get(0), to.resolve(ClusterEntries.PG_VERSION));
                }
                Durable.syncDirectory(to);
                Durable.syncDirectory(from);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot move the cluster from " + from + " to " + to
                    + " (" + e + "). Run post-upgrade again to finish, or 'dogu-upgrade abort' to move it back.", e);
        }
        owner.chown(to);
        LOG.info("moved the PostgreSQL cluster from {} to {} in {} ms (same major, only the layout changed)", from, to,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Moves the cluster back to where the old image expects it; finishes an interrupted move either way. */
    public void undo() {
        try {
            if (relation == ClusterRelation.SIBLING) {
                if (Files.isRegularFile(to.resolve(ClusterEntries.PG_VERSION)) && !Files.exists(from)) {
                    Files.move(to, from, StandardCopyOption.ATOMIC_MOVE);
                    Durable.syncDirectory(from.getParent());
                }
            } else {
                // PG_VERSION first: from then on the target no longer counts as a cluster.
                for (Path e : ClusterEntries.of(to)) {
                    move(e, from.resolve(e.getFileName().toString()));
                }
                Durable.syncDirectory(from);
                removeEmpty(to, from);
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot move the cluster back from " + to + " to "
                    + from + " (" + e + "). Run abort again.", e);
        }
        LOG.info("moved the PostgreSQL cluster back from {} to {}", to, from);
    }

    private static void move(Path source, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw conflict(target);
        }
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static UpgradeException conflict(Path target) {
        return new UpgradeException(ErrorCode.DATA_DIRECTORY, target + " already exists; refusing to move the cluster"
                + " over it. Move it out of the way (it is not part of the old cluster) and run the phase again.");
    }

    private static boolean isEmptyDirectory(Path dir) {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && new DataDirectory(dir).isEmpty();
    }

    /**
     * @param dir removed if it is an empty directory, and its parents as far as they are empty
     * @param stop the first directory that is never removed (the volume root, the old cluster's directory)
     * @throws IOException if one cannot be removed
     */
    public static void removeEmpty(Path dir, Path stop) throws IOException {
        for (Path p = dir; p != null && p.startsWith(stop) && !p.equals(stop) && isEmptyDirectory(p); p = p.getParent()) {
            Files.delete(p);
        }
    }
}
