package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The way back from a link-mode pg_upgrade ({@link PgUpgradeMode#LINK}) once the new cluster has
 * started: from then on the old data directory shares its files with the new cluster and is no
 * rollback any more.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum PgUpgradeRollback {
    /** pre-upgrade also writes a plain {@code pg_dumpall} backup whenever link mode may be chosen. */
    DUMP,
    /** No dump: the operator keeps a snapshot of the volume, and restores it to go back. */
    NONE;

    /**
     * @param value {@code dump} or {@code none}, in any case
     * @return the rollback
     * @throws UpgradeException with {@link ErrorCode#USAGE} naming the value and the choices
     */
    public static PgUpgradeRollback parse(String value) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(String.valueOf(value).strip()))
                .findFirst().orElseThrow(() -> new UpgradeException(ErrorCode.USAGE, "Unknown pg_upgrade rollback '"
                        + value + "': use dump or none."));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
