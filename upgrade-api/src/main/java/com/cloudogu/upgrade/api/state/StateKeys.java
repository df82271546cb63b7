package com.cloudogu.upgrade.api.state;

import com.cloudogu.upgrade.api.Api;
/** The state keys the PostgreSQL dogu uses. */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class StateKeys {

    /** {@code upgrading} while an upgrade runs, {@code failed: <reason>} after a phase failed. */
    public static final String LOCAL_STATE = "local_state";
    /** The value of {@link #LOCAL_STATE} while an upgrade runs. */
    public static final String UPGRADING = "upgrading";
    /** The prefix of {@link #LOCAL_STATE} after a phase failed; the reason follows. */
    public static final String FAILED_PREFIX = "failed: ";
    /** Absolute path of the verified full backup waiting to be restored. */
    public static final String MIGRATION_BACKUP_PATH = "migration_backup_path";
    /**
     * Absolute {@code PGDATA} of the old container, written by pre-upgrade: where the old cluster lives
     * on the volume (the volume root before dogu 14.21, {@code <volume>/<major>/docker} since). The new
     * image's {@code PGDATA} may be another path; post-upgrade, startup and abort read it from here.
     */
    public static final String MIGRATION_OLD_PGDATA = "migration_old_pgdata";
    /** The database OS user and superuser name; {@code postgres} when unset. */
    public static final String USER = "user";
    /** The superuser password (encrypted in doguctl). Never logged. */
    public static final String PASSWORD = "password";

    private StateKeys() {
    }
}
