package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.PgUpgradeRollback;
import com.cloudogu.upgrade.core.UpgradeMethod;
import com.cloudogu.upgrade.core.DoguUpgrade;
import com.cloudogu.upgrade.core.PluginDirectory;
import com.cloudogu.upgrade.core.StateStores;
import com.cloudogu.upgrade.core.UpgradeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The value of every {@link Setting} for one run, however it was given, and the {@link DoguUpgrade}
 * configured from them: the one place that turns settings into library calls, for both
 * {@link SharedOptions} (parsed by picocli) and {@link HookFastPath} (read from the environment).
 */
final class SettingValues {

    private final Map<Setting, Object> values;

    private SettingValues(Map<Setting, Object> values) {
        this.values = values;
    }

    /**
     * @param valueOf the value of each setting, as its option field holds it (null for "none")
     * @return the values
     */
    static SettingValues of(Function<Setting, Object> valueOf) {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            values.put(s, valueOf.apply(s));
        }
        return new SettingValues(values);
    }

    /**
     * The values when no option is given: each from its environment variable, else its default.
     *
     * @param environment the process environment
     * @return the values, or empty if a variable holds no value of its setting's type; the full
     *         command line then reports that as a usage error
     */
    static Optional<SettingValues> fromEnvironment(Map<String, String> environment) {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String text = s.text(environment);
            try {
                values.put(s, text == null ? null : s.type().parse(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new SettingValues(values));
    }

    /** @return the upgrade these settings describe; the state store opens on first use */
    DoguUpgrade upgrade() {
        String stateStore = string(Setting.STATE_STORE);
        StateStore store = new LazyStateStore(stateStore, () -> StateStores.open(stateStore, System.getenv()));
        UpgradeSettings settings = UpgradeSettings.builder()
                .dataDirectory(path(Setting.PGDATA))
                .backupDirectory(path(Setting.BACKUP_DIR))
                .lockFile(path(Setting.LOCK_FILE))
                .waitTimeout(Duration.ofSeconds((Long) values.get(Setting.WAIT_TIMEOUT)))
                .restoreInPostUpgrade(flag(Setting.RESTORE_IN_POST_UPGRADE))
                .keepBackup(flag(Setting.KEEP_BACKUP))
                .keepOldCluster(flag(Setting.KEEP_OLD_CLUSTER))
                .readOnlyDuringBackup(flag(Setting.READ_ONLY_DURING_BACKUP))
                .backupStrategy(BackupStrategy.parse(string(Setting.BACKUP_STRATEGY)))
                .jobs((Integer) values.get(Setting.JOBS))
                .upgradeMethod(UpgradeMethod.parse(string(Setting.UPGRADE_METHOD)))
                .pgUpgradeMode(PgUpgradeMode.parse(string(Setting.PG_UPGRADE_MODE)))
                .pgUpgradeRollback(PgUpgradeRollback.parse(string(Setting.PG_UPGRADE_ROLLBACK)))
                .build();
        DoguUpgrade.Builder builder = DoguUpgrade.builder().settings(settings).stateStore(store);
        String plugins = string(Setting.PLUGINS);
        if (isSet(plugins)) {
            // Open for the life of the process: classes of plugin migrations load from it until the end.
            builder.classLoader(PluginDirectory.open(Path.of(plugins)));
        }
        String eventsFile = string(Setting.EVENTS_FILE);
        if (isSet(eventsFile)) {
            builder.listener(JsonLinesEventWriter.open(Path.of(eventsFile)));
        }
        return builder.build();
    }

    private String string(Setting s) {
        return (String) values.get(s);
    }

    private Path path(Setting s) {
        return (Path) values.get(s);
    }

    private boolean flag(Setting s) {
        return (Boolean) values.get(s);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
