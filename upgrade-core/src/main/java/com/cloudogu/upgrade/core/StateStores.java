package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.api.state.StateStoreProvider;
import com.cloudogu.upgrade.core.internal.discovery.ServiceDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the state store a setting names: {@code doguctl} or {@code file:/path/state.properties}
 * (generally {@code scheme} or {@code scheme:argument}). The schemes come from the
 * {@link StateStoreProvider}s found with {@link ServiceLoader}, so a jar on the classpath can add
 * one. A provider that fails to load is logged and skipped; it does not take the others down.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class StateStores {

    private static final Logger LOG = LoggerFactory.getLogger(StateStores.class);

    private StateStores() {
    }

    /**
     * Opens a state store with the providers visible to dogu-upgrade's own class loader.
     *
     * @param setting {@code doguctl} or {@code file:/path/state.properties}
     * @param settings environment-style settings passed to the provider (e.g. {@code PATH}); never logged
     * @return the store
     * @throws UpgradeException with {@link ErrorCode#USAGE} if the setting is empty, names an unknown
     *     scheme, or its provider rejects the argument
     */
    public static StateStore open(String setting, Map<String, String> settings) {
        return open(setting, settings, StateStores.class.getClassLoader());
    }

    /**
     * @param setting {@code doguctl} or {@code file:/path/state.properties}
     * @param settings environment-style settings passed to the provider; never logged
     * @param loader where to look for providers (e.g. one that includes plugin jars)
     * @return the store
     * @throws UpgradeException with {@link ErrorCode#USAGE} as for {@link #open(String, Map)}
     */
    public static StateStore open(String setting, Map<String, String> settings, ClassLoader loader) {
        if (setting == null || setting.isBlank()) {
            throw new UpgradeException(ErrorCode.USAGE,
                    "No state store given: use 'doguctl' or 'file:/path/state.properties'.");
        }
        int colon = setting.indexOf(':');
        String scheme = colon < 0 ? setting : setting.substring(0, colon);
        String argument = colon < 0 ? "" : setting.substring(colon + 1);
        Map<String, List<StateStoreProvider>> providers = providers(loader);
        List<StateStoreProvider> candidates = providers.get(scheme);
        if (candidates == null) {
            throw new UpgradeException(ErrorCode.USAGE, "Unknown state store '" + setting + "': scheme '" + scheme
                    + "' is not one of " + String.join(", ", providers.keySet())
                    + ". Use 'doguctl' or 'file:/path/state.properties'.");
        }
        if (candidates.size() > 1) {
            List<String> names = candidates.stream().map(p -> p.getClass().getName()).toList();
            throw new UpgradeException(ErrorCode.USAGE, "Several state store providers handle the scheme '" + scheme
                    + "': " + String.join(", ", names) + ". Remove all but one from the classpath.");
        }
        StateStore store;
        try {
            store = candidates.get(0).create(argument, settings == null ? Map.of() : settings);
        } catch (StateStoreException e) {
            // creating a store does no I/O on the store itself, so a failure here is a bad setting
            throw new UpgradeException(ErrorCode.USAGE, "Cannot use the state store '" + setting + "': "
                    + e.getMessage(), e);
        }
        LOG.info("Using state store {}", store.describe());
        return store;
    }

    /**
     * @param loader where to look
     * @return the schemes of every provider that loads, in discovery order
     */
    public static List<String> schemes(ClassLoader loader) {
        return new ArrayList<>(providers(loader).keySet());
    }

    /**
     * Policy: a provider that cannot be used is logged and skipped. Unlike a migration or a backup
     * rule, a broken provider of some other scheme must not keep the dogu from using the one it names.
     */
    private static Map<String, List<StateStoreProvider>> providers(ClassLoader loader) {
        ServiceDiscovery.Result<StateStoreProvider> result = ServiceDiscovery.of(StateStoreProvider.class, loader).load();
        result.problems().forEach(p -> LOG.warn("{} It is ignored.", p));
        Map<String, List<StateStoreProvider>> byScheme = new LinkedHashMap<>();
        for (ServiceDiscovery.Found<StateStoreProvider> f : result.found()) {
            byScheme.computeIfAbsent(f.provider().scheme(), s -> new ArrayList<>()).add(f.provider());
        }
        return byScheme;
    }
}
