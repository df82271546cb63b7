package com.cloudogu.upgrade.testkit.compat;

import com.cloudogu.upgrade.api.state.StateStore;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link StateStore} that lives as long as the test: what a migration sees instead of {@code doguctl}. */
public final class InMemoryStateStore implements StateStore {

    private final Map<String, String> values = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void set(String key, String value) {
        values.put(key, value);
    }

    @Override
    public void remove(String key) {
        values.remove(key);
    }

    @Override
    public String describe() {
        return "memory";
    }

    /** @return a sorted copy of every key and value, for assertions and messages */
    public Map<String, String> snapshot() {
        return new TreeMap<>(values);
    }
}
