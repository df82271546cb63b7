package com.cloudogu.upgrade.core.internal.layout;

import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the old cluster lives on the volume, as pre-upgrade saw it in the old container. Recorded in
 * the backup's manifest and in the state key {@code migration_old_pgdata}, so the new container
 * finds the old cluster even though its own {@code PGDATA} is another path.
 *
 * @param path the old container's {@code PGDATA}, absolute
 * @param major the content of its {@code PG_VERSION} ({@code 14}, {@code 9.6})
 * @param owner the OS user owning it, or empty if unknown
 */
public record OldCluster(Path path, String major, String owner) {

    private static final String PATH = "oldCluster.path";
    private static final String MAJOR = "oldCluster.major";
    private static final String OWNER = "oldCluster.owner";

    /** Normalizes the path. */
    public OldCluster {
        path = path.toAbsolutePath().normalize();
    }

    /**
     * @param pgdata a data directory
     * @return the cluster in it, if it holds one ({@code PG_VERSION} exists)
     */
    public static Optional<OldCluster> inspect(Path pgdata) {
        Optional<String> major = new DataDirectory(pgdata).postgresMajor();
        if (major.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OldCluster(pgdata, major.get(),
                    Files.getOwner(pgdata, LinkOption.NOFOLLOW_LINKS).getName()));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot read the cluster in " + pgdata + ": "
                    + e.getMessage(), e);
        }
    }

    /** @param newPgdata the new image's {@code PGDATA} @return how this cluster's path relates to it */
    public ClusterRelation relationTo(Path newPgdata) {
        return ClusterRelation.of(path, newPgdata);
    }

    /** @param p where to write the three {@code oldCluster.*} properties */
    public void writeTo(Properties p) {
        p.setProperty(PATH, path.toString());
        p.setProperty(MAJOR, major);
        p.setProperty(OWNER, owner);
    }

    /** @param p properties of a manifest @return the old cluster they name, if they name one (older manifests don't) */
    public static Optional<OldCluster> readFrom(Properties p) {
        String path = p.getProperty(PATH);
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new OldCluster(Path.of(path), p.getProperty(MAJOR, ""), p.getProperty(OWNER, "")));
    }
}
