package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.state.StateStore;
import java.util.Optional;
import java.util.function.Supplier;

/** Opens the configured state store on first use, so commands that never touch state (migrations) don't need it. */
final class LazyStateStore implements StateStore {

    private final Supplier<StateStore> opener;
    private final String setting;
    private StateStore store;

    LazyStateStore(String setting, Supplier<StateStore> opener) {
        this.setting = setting;
        this.opener = opener;
    }

    private synchronized StateStore store() {
        if (store == null) {
            store = opener.get();
        }
        return store;
    }

    @Override
    public Optional<String> get(String key) {
        return store().get(key);
    }

    @Override
    public void set(String key, String value) {
        store().set(key, value);
    }

    @Override
    public void remove(String key) {
        store().remove(key);
    }

    @Override
    public String describe() {
        return store == null ? setting : store.describe();
    }
}
