package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.migration.Migration;

/**
 * A migration found on the classpath, with what is needed to order and report it.
 *
 * @param migration the instance
 * @param id its id, e.g. {@code 02-restrict-stat-visibility}
 * @param order the number its id starts with; migrations run in this order, then by id
 * @param description what it does
 * @param source where its class came from: the jar's file name (e.g. {@code migrations-builtin-0.1.0.jar}),
 *     a directory path, another URL, or {@code unknown}
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record DiscoveredMigration(Migration migration, String id, int order, String description, String source) {

    /** @return {@code id (source)}, as in the discovery log line */
    @Override
    public String toString() {
        return id + " (" + source + ")";
    }
}
