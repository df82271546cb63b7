package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.state.StateStore;
import java.util.Optional;

/** What a running {@link Migration} may use. */
public interface MigrationContext {

    /** @return the version upgraded from, empty on a fresh start without an upgrade */
    Optional<DoguVersion> from();

    /** @return the version upgraded to, empty on a fresh start without an upgrade */
    Optional<DoguVersion> to();

    /** @return the dogu's state store (markers, backup path) */
    StateStore state();

    /** @return the temporary server the migration runs against */
    DatabaseServer server();

    /** @return the backup waiting to be restored into this cluster, if any */
    Optional<PendingRestore> pendingRestore();

    /**
     * Reports a step of the migration to listeners and the log.
     *
     * @param message what was done, e.g. {@code repaired fk_orders_customer in database shop}
     */
    void report(String message);
}
