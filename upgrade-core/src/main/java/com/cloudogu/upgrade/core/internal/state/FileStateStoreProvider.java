package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.api.state.StateStoreProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/** Provides the file state store (setting {@code file:/path/state.properties}); see {@link FileStateStore}. */
public final class FileStateStoreProvider implements StateStoreProvider {

    /** The scheme of this store. */
    public static final String SCHEME = "file";

    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public FileStateStoreProvider() {
        // no state
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public StateStore create(String argument, Map<String, String> settings) {
        if (argument.isBlank()) {
            throw new StateStoreException("The state store 'file:' needs the path of the state file, e.g."
                    + " file:/var/lib/dogu-upgrade/state.properties.");
        }
        try {
            return new FileStateStore(Path.of(argument));
        } catch (InvalidPathException e) {
            throw new StateStoreException("The state store path '" + argument + "' is not a valid path: "
                    + e.getReason() + ".", e);
        }
    }
}
