package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.Locale;

/**
 * How pre-upgrade writes the full backup. The restore never consults this setting: it follows the
 * {@code format} recorded in the backup's manifest ({@link #manifestFormat()}), so it always knows what
 * it is restoring.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public enum BackupStrategy {

    /**
     * One {@code pg_dumpall} SQL file, restored with {@code psql} (the seed's format; the default).
     * Manifest format {@value BackupManifest#FORMAT_PLAIN}.
     */
    PLAIN(BackupManifest.FORMAT_PLAIN),

    /**
     * Globals with {@code pg_dumpall --globals-only}, every database with {@code pg_dump} in directory
     * format with several jobs, restored with {@code pg_restore} with several jobs on a temporary
     * server with restore-time settings. Manifest format {@value BackupManifest#FORMAT_PARALLEL}.
     */
    PARALLEL(BackupManifest.FORMAT_PARALLEL);

    private final String manifestFormat;

    BackupStrategy(String manifestFormat) {
        this.manifestFormat = manifestFormat;
    }

    /** @return the {@code format} value of manifests written with this strategy */
    public String manifestFormat() {
        return manifestFormat;
    }

    /**
     * @param value {@code plain} or {@code parallel} (any case)
     * @return the strategy
     * @throws UpgradeException with {@link ErrorCode#USAGE} naming the bad value
     */
    public static BackupStrategy parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (BackupStrategy s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(v)) {
                return s;
            }
        }
        throw new UpgradeException(ErrorCode.USAGE, "Unknown backup strategy '" + value + "': use 'plain' (one"
                + " pg_dumpall file, the default) or 'parallel' (pg_dump/pg_restore with several jobs).");
    }

    /** @param requested jobs setting, 0 or less for "one per CPU" @return the number of jobs to use */
    public static int jobs(int requested) {
        return requested > 0 ? requested : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
