package com.cloudogu.upgrade.api.state;

import com.cloudogu.upgrade.api.Api;
import java.util.Map;

/**
 * Creates a {@link StateStore} from a setting such as {@code doguctl} or {@code file:/path}.
 * Registered through {@code META-INF/services/com.cloudogu.upgrade.api.state.StateStoreProvider}.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface StateStoreProvider {

    /** @return the scheme this provider handles, e.g. {@code doguctl} or {@code file} */
    String scheme();

    /**
     * @param argument what follows {@code scheme:} in the setting (empty if nothing does)
     * @param settings environment-style settings the store may use (never logged)
     * @return a ready store
     * @throws StateStoreException if the argument is unusable (the message names it)
     */
    StateStore create(String argument, Map<String, String> settings);
}
