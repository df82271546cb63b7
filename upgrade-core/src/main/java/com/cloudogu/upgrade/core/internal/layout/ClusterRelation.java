package com.cloudogu.upgrade.core.internal.layout;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.file.Path;

/**
 * How the old cluster's path relates to the new image's {@code PGDATA} on the dogu's volume. The
 * relation decides how the old cluster is set aside, removed, kept and brought back by abort.
 */
public enum ClusterRelation {
    /** The same directory: a minor upgrade, or an image that keeps its {@code PGDATA}. */
    SAME_PATH,
    /** Neither contains the other: {@code <volume>/14/docker} next to {@code <volume>/17/docker}. */
    SIBLING,
    /**
     * The old cluster's directory contains the new {@code PGDATA}: the legacy layout ({@code PGDATA}
     * = the volume root, before dogu 14.21) upgraded to {@code <volume>/<major>/docker}. The old
     * cluster's files share that directory with {@code backup/} and the new major's directory.
     */
    ANCESTOR;

    /**
     * @param oldPgdata where the old cluster lives
     * @param newPgdata the new image's {@code PGDATA}
     * @return their relation
     * @throws UpgradeException if the new {@code PGDATA} lies above the old cluster, which no dogu
     *     release does and which would put the old cluster inside the new one
     */
    public static ClusterRelation of(Path oldPgdata, Path newPgdata) {
        Path old = oldPgdata.toAbsolutePath().normalize();
        Path now = newPgdata.toAbsolutePath().normalize();
        if (old.equals(now)) {
            return SAME_PATH;
        }
        if (now.startsWith(old)) {
            return ANCESTOR;
        }
        if (old.startsWith(now)) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "PGDATA " + now + " contains the old cluster's"
                    + " directory " + old + "; a new image's PGDATA must not lie above the old one. Set PGDATA (or"
                    + " --pgdata) to the image's own data directory. Nothing was changed.");
        }
        return SIBLING;
    }
}
