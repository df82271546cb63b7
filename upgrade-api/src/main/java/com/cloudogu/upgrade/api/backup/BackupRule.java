package com.cloudogu.upgrade.api.backup;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.DoguVersion;
import java.util.Optional;

/**
 * Decides whether an upgrade needs a full backup and restore. All rules are asked; the backup is
 * taken if any rule gives a reason. Registered through
 * {@code META-INF/services/com.cloudogu.upgrade.api.backup.BackupRule}.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface BackupRule {

    /** @return a stable name for logs and {@code plan}, e.g. {@code major-upgrade} */
    String name();

    /**
     * @param from the version being upgraded from
     * @param to the version being upgraded to
     * @return the reason a backup is needed, or empty if this rule does not require one
     */
    Optional<String> reason(DoguVersion from, DoguVersion to);
}
