package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.state.StateKeys;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The migration contract's rules, in one place: the engine's discovery applies them to every
 * migration it finds and the compatibility kit of {@code upgrade-testkit} asserts them, so a plugin
 * that passes the kit is accepted by the engine and the other way round.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class MigrationRules {

    /** {@code NN-name}: two or more digits, a dash, lowercase words joined by dashes. */
    public static final Pattern ID_PATTERN = Pattern.compile("(\\d{2,})-[a-z0-9]+(-[a-z0-9]+)*");

    /** A plain state key: lowercase letters, digits and underscores, starting with a letter. */
    public static final Pattern MARKER_PATTERN = Pattern.compile("[a-z][a-z0-9_]*");

    /**
     * State keys that belong to the dogu and the engine. No marker may be one of them: the engine
     * writes {@link #MARKER_DONE} into a marker, and a marker named {@code password} would overwrite
     * the stored superuser password.
     */
    public static final Set<String> RESERVED_KEYS = Set.of(StateKeys.LOCAL_STATE, StateKeys.MIGRATION_BACKUP_PATH,
            StateKeys.MIGRATION_OLD_PGDATA, StateKeys.USER, StateKeys.PASSWORD);

    /** State keys a migration may not even read through {@link MigrationContext#state(String)}. */
    public static final Set<String> SECRET_KEYS = Set.of(StateKeys.PASSWORD);

    /** The value a marker holds once its migration completed. */
    public static final String MARKER_DONE = "true";

    private MigrationRules() {
    }

    /**
     * @param id a migration's {@link Migration#id()}
     * @return what is wrong with it, empty when it follows the contract
     */
    public static Optional<String> idProblem(String id) {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            return Optional.of("id '" + id + "' does not match NN-name (two or more digits, a dash, lowercase words"
                    + " joined by dashes, e.g. 10-grant-monitoring-role)");
        }
        return Optional.empty();
    }

    /**
     * @param marker a migration's {@link Migration#marker()}; {@code null} stands for a marker method
     *     that returned {@code null} instead of an {@link Optional}
     * @return what is wrong with it, empty when it follows the contract
     */
    public static Optional<String> markerProblem(Optional<String> marker) {
        if (marker == null) {
            return Optional.of("marker() returned null; return Optional.empty() for a migration without a marker");
        }
        if (marker.isEmpty()) {
            return Optional.empty();
        }
        String key = marker.get();
        if (RESERVED_KEYS.contains(key)) {
            return Optional.of("marker '" + key + "' is reserved for the dogu's own state (reserved: "
                    + String.join(", ", RESERVED_KEYS.stream().sorted().toList())
                    + "); choose a key of its own, e.g. the id with underscores");
        }
        if (!MARKER_PATTERN.matcher(key).matches()) {
            return Optional.of("marker '" + key + "' is not a plain state key (lowercase letters, digits and"
                    + " underscores, starting with a letter)");
        }
        return Optional.empty();
    }

    /**
     * @param id a migration id that follows {@link #ID_PATTERN}
     * @return its number, which orders migrations
     * @throws IllegalArgumentException if the id does not follow the pattern
     */
    public static int order(String id) {
        var m = ID_PATTERN.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException(idProblem(id).orElseThrow());
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * @param value a marker's stored value, empty when unset
     * @return whether it says the migration completed
     */
    public static boolean isDone(Optional<String> value) {
        return value.filter(MARKER_DONE::equals).isPresent();
    }
}
