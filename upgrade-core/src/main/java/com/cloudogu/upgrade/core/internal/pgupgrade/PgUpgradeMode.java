package com.cloudogu.upgrade.core.internal.pgupgrade;

/**
 * How pg_upgrade moves the relation files into the new cluster, and what that leaves of the old one.
 */
public enum PgUpgradeMode {
    /** Reflinks (XFS with reflink, btrfs): constant time, the old cluster stays valid. */
    CLONE("--clone", true),
    /** Copies: time and space in proportion to the data, the old cluster stays valid. */
    COPY("--copy", true),
    /**
     * Hard links: constant time, but from the first start of the new cluster the old one is no
     * rollback any more (it would start silently with the new cluster's writes).
     */
    LINK("--link", false);

    private final String flag;
    private final boolean keepsOldCluster;

    PgUpgradeMode(String flag, boolean keepsOldCluster) {
        this.flag = flag;
        this.keepsOldCluster = keepsOldCluster;
    }

    /** @return pg_upgrade's option */
    public String flag() {
        return flag;
    }

    /** @return whether the old cluster stays a valid rollback after the new one started */
    public boolean keepsOldCluster() {
        return keepsOldCluster;
    }
}
