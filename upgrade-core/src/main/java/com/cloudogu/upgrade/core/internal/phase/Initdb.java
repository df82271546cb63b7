package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.util.Optional;

/**
 * Initializes a fresh cluster. A seam between a phase's decision to initialize and {@code initdb},
 * so the decision is tested without server programs; production uses {@link #of}.
 */
@FunctionalInterface
interface Initdb {

    /**
     * @param data an empty or missing data directory
     * @param settings encoding, locale, checksums
     * @param superuser bootstrap superuser name
     * @param password its password, if known
     */
    void initialize(DataDirectory data, ClusterSettings settings, String superuser, Optional<String> password);

    /**
     * @param env the phase environment
     * @return {@code initdb} of the server programs on {@code PATH}, run as the database OS user; the
     *     programs are looked up only when a cluster is initialized
     */
    static Initdb of(PhaseEnvironment env) {
        return (data, settings, superuser, password) -> new ClusterInitializer(env.installation(), env.runner(),
                env.owner()).initialize(data, settings, superuser, password);
    }
}
