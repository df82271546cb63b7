package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.Locale;

/** How a cluster crosses a major version. */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum UpgradeMethod {
    /** A full dump in pre-upgrade, restored into a fresh cluster ({@link BackupStrategy} says how). */
    DUMP,
    /**
     * pre-upgrade carries the old installation over the volume; the new image runs {@code pg_upgrade}
     * with it ({@link PgUpgradeMode} says how). Time does not grow with the data in clone and link mode.
     */
    PG_UPGRADE;

    /**
     * @param value {@code dump} or {@code pg-upgrade}, in any case
     * @return the method
     * @throws UpgradeException with {@link ErrorCode#USAGE} naming the value and the choices
     */
    public static UpgradeMethod parse(String value) {
        String v = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "dump" -> DUMP;
            case "pg-upgrade", "pg_upgrade" -> PG_UPGRADE;
            default -> throw new UpgradeException(ErrorCode.USAGE, "Unknown upgrade method '" + value
                    + "': use dump or pg-upgrade.");
        };
    }

    @Override
    public String toString() {
        return this == DUMP ? "dump" : "pg-upgrade";
    }
}
