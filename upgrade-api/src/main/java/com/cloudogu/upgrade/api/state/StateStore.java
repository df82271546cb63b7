package com.cloudogu.upgrade.api.state;

import com.cloudogu.upgrade.api.Api;
import java.util.Optional;

/**
 * The dogu's key/value configuration (in a dogu: {@code doguctl config}). Implementations
 * distinguish "key not set" (an empty result) from "the store failed" (a
 * {@link StateStoreException}); they never treat a failure as an absent key.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface StateStore {

    /**
     * @param key the key, e.g. {@link StateKeys#LOCAL_STATE}
     * @return the value, or empty if the key is not set
     * @throws StateStoreException if the store could not be read
     */
    Optional<String> get(String key);

    /**
     * Sets a key durably before returning.
     *
     * @param key the key
     * @param value the value; any characters, including spaces, quotes and newlines
     * @throws StateStoreException if the store could not be written
     */
    void set(String key, String value);

    /**
     * Removes a key; removing an absent key is not an error.
     *
     * @param key the key
     * @throws StateStoreException if the store could not be written
     */
    void remove(String key);

    /** @return a short description for logs, e.g. {@code doguctl} or {@code file:/tmp/state.properties} */
    String describe();
}
