package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.api.state.StateStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A state store in memory, for decisions that read and write state but need no doguctl. */
final class MemoryStateStore implements StateStore {

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

    /** @return a copy of every key and value */
    Map<String, String> snapshot() {
        return Map.copyOf(values);
    }

    @Override
    public String describe() {
        return "memory";
    }
}
