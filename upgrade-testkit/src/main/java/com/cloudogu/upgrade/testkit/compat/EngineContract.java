package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import java.util.Optional;

/**
 * Runs one migration exactly as the engine does, so a test needs nothing but {@code upgrade-api} and
 * this testkit:
 *
 * <ol>
 *   <li>if the migration has a marker and the state store holds {@code true} for it, skip it (neither
 *       {@code appliesTo} nor {@code migrate} is called);
 *   <li>if {@link Migration#appliesTo} returns false, skip it (the marker stays as it is);
 *   <li>call {@link Migration#migrate};
 *   <li>only if that returned normally, set the marker to {@code true}.
 * </ol>
 *
 * An exception from {@code appliesTo} or {@code migrate} ends the run as {@link Result#FAILED}; the
 * engine then fails the phase with the migration's id and the message.
 */
public final class EngineContract {

    /** The value the engine writes to a marker after success, and the only one that skips a migration. */
    public static final String MARKER_DONE = "true";

    private EngineContract() {
    }

    /** How a run ended. */
    public enum Result {
        /** The marker was {@code true}: nothing was called. */
        SKIPPED_BY_MARKER,
        /** {@code appliesTo} returned false: {@code migrate} was not called. */
        NOT_APPLICABLE,
        /** {@code migrate} returned normally and the marker (if any) was set. */
        APPLIED,
        /** {@code appliesTo} or {@code migrate} threw; the marker was not touched. */
        FAILED
    }

    /**
     * @param result how the run ended
     * @param failure what {@code appliesTo} or {@code migrate} threw, for {@link Result#FAILED}
     */
    public record Outcome(Result result, Exception failure) {

        /** @return a one-line description for assertion messages */
        public String describe() {
            return failure == null ? result.name() : result + " (" + failure + ")";
        }
    }

    /**
     * @param migration the migration
     * @param context its context; markers are read and written through {@link MigrationContext#state()}
     * @return how the run ended
     */
    public static Outcome run(Migration migration, MigrationContext context) {
        Optional<String> marker = migration.marker();
        if (marker.isPresent() && MARKER_DONE.equals(((TestMigrationContext) context).store().get(marker.get()).orElse(null))) {
            return new Outcome(Result.SKIPPED_BY_MARKER, null);
        }
        try {
            if (!migration.appliesTo(context)) {
                return new Outcome(Result.NOT_APPLICABLE, null);
            }
            migration.migrate(context);
        } catch (Exception e) {
            return new Outcome(Result.FAILED, e);
        }
        marker.ifPresent(key -> ((TestMigrationContext) context).store().set(key, MARKER_DONE));
        return new Outcome(Result.APPLIED, null);
    }
}
