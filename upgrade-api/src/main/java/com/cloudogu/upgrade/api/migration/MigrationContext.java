package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.Api;
import java.util.Optional;

/**
 * What a running {@link Migration} may use: the versions, a narrow read-only view of the state, the
 * temporary server and a way to report steps. New methods are added only as {@code default} methods.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface MigrationContext {

    /** @return the version upgraded from, empty on a fresh start without an upgrade */
    Optional<DoguVersion> from();

    /** @return the version upgraded to, empty on a fresh start without an upgrade */
    Optional<DoguVersion> to();

    /**
     * Reads one key of the dogu's state. Markers are set by the engine after {@link Migration#migrate}
     * succeeded; a migration never writes state itself.
     *
     * @param key a state key, e.g. another migration's marker
     * @return its value, empty when unset
     * @throws IllegalArgumentException for a key in {@link MigrationRules#SECRET_KEYS} (the superuser
     *     password): migrations reach the database through {@link #server()}, never with the password
     */
    Optional<String> state(String key);

    /** @return the temporary server the migration runs against */
    DatabaseServer server();

    /**
     * Reports a step of the migration to listeners and the log.
     *
     * @param message what was done, e.g. {@code repaired fk_orders_customer in database shop}
     */
    void report(String message);
}
