package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;

/** Checks on a FROM/TO pair shared by the phases. */
final class Versions {

    private Versions() {
    }

    static void refuseDowngrade(DoguVersion from, DoguVersion to) {
        if (from.isMajorDowngradeTo(to)) {
            throw new UpgradeException(ErrorCode.MAJOR_DOWNGRADE, "Refusing the major downgrade " + from + " -> " + to
                    + ": PostgreSQL " + to.postgresMajor() + " cannot read data written by PostgreSQL "
                    + from.postgresMajor() + ". Upgrade to a version with PostgreSQL " + from.postgresMajor()
                    + " or newer instead. Nothing was changed.");
        }
    }
}
