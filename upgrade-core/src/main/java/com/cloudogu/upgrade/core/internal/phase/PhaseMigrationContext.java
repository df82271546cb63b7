package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link MigrationContext} a phase hands to its migrations. */
record PhaseMigrationContext(Optional<DoguVersion> from, Optional<DoguVersion> to, StateStore store,
                             DatabaseServer server, EventDispatcher events) implements MigrationContext {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseMigrationContext.class);

    @Override
    public Optional<String> state(String key) {
        if (MigrationRules.SECRET_KEYS.contains(key)) {
            throw new IllegalArgumentException("state key '" + key + "' is not readable by migrations");
        }
        return store.get(key);
    }

    @Override
    public void report(String message) {
        LOG.info("{}", message);
        events.onEvent(UpgradeEvent.of(UpgradeEvent.Type.STEP, "migration", Duration.ZERO, message));
    }
}
