package com.cloudogu.upgrade.api;

/**
 * Stable error codes. Tools match on these, never on message text; the CLI maps each to a documented
 * exit code (docs/ERRORS.md).
 *
 * <p>Growth policy: constants may be added in a minor release (a {@code switch} over this enum needs a
 * {@code default} branch); a code's string and exit code never change; a constant is removed only
 * after a release in which it was deprecated.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public enum ErrorCode {
    /** A command line or setting was malformed or missing. */
    USAGE("DU-USAGE"),
    /** A dogu version did not parse. */
    INVALID_VERSION("DU-VERSION"),
    /** The target PostgreSQL major is older than the source: refused. */
    MAJOR_DOWNGRADE("DU-DOWNGRADE"),
    /** The data directory is missing, uninitialized or of an unexpected major. */
    DATA_DIRECTORY("DU-PGDATA"),
    /** The state store could not be read or written. */
    STATE_STORE("DU-STATE"),
    /** Migration discovery failed: duplicate or malformed id, provider that cannot load. */
    MIGRATION_DISCOVERY("DU-DISCOVERY"),
    /** A migration failed while running. */
    MIGRATION_FAILED("DU-MIGRATION"),
    /** Writing or checking the backup failed. */
    BACKUP_FAILED("DU-BACKUP"),
    /** Restoring the backup failed. */
    RESTORE_FAILED("DU-RESTORE"),
    /** Not enough free disk space for the step that was about to start. */
    INSUFFICIENT_SPACE("DU-SPACE"),
    /** A PostgreSQL server could not be started, reached or stopped. */
    SERVER("DU-SERVER"),
    /** An external command failed or could not be started. */
    PROCESS("DU-PROCESS"),
    /** Waiting for another phase exceeded its timeout. */
    TIMEOUT("DU-TIMEOUT"),
    /** Another phase holds the upgrade lock. */
    LOCKED("DU-LOCKED"),
    /** An earlier phase failed and recorded its reason in the state store. */
    UPGRADE_FAILED("DU-FAILED"),
    /**
     * The old cluster holds objects the new major's restore refuses (found by the compatibility checks
     * before anything was written).
     */
    INCOMPATIBLE_CLUSTER("DU-INCOMPATIBLE");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** @return the stable code, e.g. {@code DU-VERSION} */
    public String code() {
        return code;
    }
}
