package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.Api;
import java.util.Optional;

/**
 * One idempotent step that brings a cluster up to date after an image change, such as restoring a
 * backup or applying a security fix to system views.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/com.cloudogu.upgrade.api.migration.Migration}. They need a public
 * no-argument constructor. Migrations run in the order of their id on a temporary server that
 * listens on a private Unix socket only.
 *
 * <p>Discovery applies {@link MigrationRules} to every migration before anything runs: an id that is
 * not {@code NN-name}, a duplicate id, or a marker that is not a plain key of its own refuses the
 * phase with {@code DU-DISCOVERY}. Methods are added to this interface only as {@code default}
 * methods, so a migration compiled against an older {@code upgrade-api} keeps working.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
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
