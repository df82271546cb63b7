package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.api.state.StateStoreProvider;
import java.util.Map;

/** Provides the {@code doguctl} state store (setting {@code doguctl}); see {@link DoguctlStateStore}. */
public final class DoguctlStateStoreProvider implements StateStoreProvider {

    /** The scheme of this store. */
    public static final String SCHEME = "doguctl";

    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public DoguctlStateStoreProvider() {
        // no state
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public StateStore create(String argument, Map<String, String> settings) {
        if (!argument.isEmpty()) {
            throw new StateStoreException("The state store 'doguctl' takes no argument, but got 'doguctl:" + argument
                    + "'. Use just 'doguctl'.");
        }
        return DoguctlStateStore.fromSettings(settings);
    }
}
