package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A state store in a map, for core's unit tests. It can be told to fail from some point on, the way
 * {@code doguctl} fails when etcd is gone, to test what a phase does when it cannot read or record
 * its state. (Core's tests do not use the testkit's store: core must not depend on the testkit.)
 */
public final class MemoryStateStore implements StateStore {

    private final Map<String, String> values = new TreeMap<>();
    private boolean failing;

    /** @param keyValues pairs of key and value to start with */
    public static MemoryStateStore with(String... keyValues) {
        MemoryStateStore s = new MemoryStateStore();
        for (int i = 0; i < keyValues.length; i += 2) {
            s.values.put(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    /** From now on every read and write fails with a {@link StateStoreException}. */
    public void failFromNowOn() {
        failing = true;
    }

    @Override
    public Optional<String> get(String key) {
        failIfTold(key);
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void set(String key, String value) {
        failIfTold(key);
        values.put(key, value);
    }

    @Override
    public void remove(String key) {
        failIfTold(key);
        values.remove(key);
    }

    @Override
    public String describe() {
        return "memory";
    }

    /** @return every key and value, read without failing */
    public Map<String, String> snapshot() {
        return Map.copyOf(values);
    }

    private void failIfTold(String key) {
        if (failing) {
            throw new StateStoreException("the state store is unreachable (reading or writing " + key + ")");
        }
    }
}
