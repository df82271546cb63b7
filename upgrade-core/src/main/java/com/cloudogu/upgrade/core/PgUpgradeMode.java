package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How pg_upgrade moves the relation files into the new cluster ({@link UpgradeMethod#PG_UPGRADE}),
 * and what that leaves of the old one.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum PgUpgradeMode {
    /** The best safe mode here: clone where the file system can, else copy where there is room. */
    AUTO(true),
    /** Reflinks (XFS with reflink, btrfs): constant time, the old cluster stays valid. */
    CLONE(true),
    /** Copies: time and space in proportion to the data, the old cluster stays valid. */
    COPY(true),
    /**
     * Hard links: constant time, but from the first start of the new cluster the old one is no
     * rollback any more (it would start silently with the new cluster's writes).
     */
    LINK(false);

    private final boolean keepsOldCluster;

    PgUpgradeMode(boolean keepsOldCluster) {
        this.keepsOldCluster = keepsOldCluster;
    }

    /** @return whether the old cluster stays a valid rollback after the new one started */
    public boolean keepsOldCluster() {
        return keepsOldCluster;
    }

    /**
     * @param value {@code auto}, {@code clone}, {@code copy} or {@code link}, in any case
     * @return the mode
     * @throws UpgradeException with {@link ErrorCode#USAGE} naming the value and the choices
     */
    public static PgUpgradeMode parse(String value) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(String.valueOf(value).strip()))
                .findFirst().orElseThrow(() -> new UpgradeException(ErrorCode.USAGE, "Unknown pg_upgrade mode '" + value
                        + "': use auto, clone, copy or link."));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
