package com.cloudogu.upgrade.api.migration;

import java.util.Optional;

/**
 * One idempotent step that brings a cluster up to date after an image change, such as restoring a
 * backup or applying a security fix to system views.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/com.cloudogu.upgrade.api.migration.Migration}. They need a public
 * no-argument constructor. Migrations run in the order of their id on a temporary server that
 * listens on a private Unix socket only.
 */
public interface Migration {

    /**
     * @return the stable id, {@code NN-name}: two or more digits, a dash, lowercase words joined by
     *     dashes, e.g. {@code 02-restrict-stat-visibility}. The number gives the order.
     */
    String id();

    /** @return one sentence saying what the migration does */
    String description();

    /**
     * @return the state-store key set to {@code true} once the migration completed, if it has one.
     *     A set marker skips the migration; it is set only after {@link #migrate} succeeded.
     */
    default Optional<String> marker() {
        return Optional.empty();
    }

    /**
     * Decides whether the migration has anything to do. Called before {@link #migrate}; the marker
     * has already been checked by then. It may inspect the database through the context.
     *
     * @param context the running upgrade
     * @return whether to run
     * @throws Exception if the decision could not be made (the phase fails)
     */
    default boolean appliesTo(MigrationContext context) throws Exception {
        return true;
    }

    /**
     * Does the work. Must be safe to run again after a crash at any point.
     *
     * @param context the running upgrade
     * @throws Exception if the work failed; the phase fails and the marker stays unset
     */
    void migrate(MigrationContext context) throws Exception;
}
