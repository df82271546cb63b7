package com.cloudogu.upgrade.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives picocli the default of every option in the {@link Setting} table: its environment variable's
 * value, else the table's default. Options outside the table (such as {@code --verbose}) have none.
 */
final class SettingDefaults implements IDefaultValueProvider {

    private final Map<String, String> environment;

    /** @param environment the process environment */
    SettingDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option)) {
            return null;
        }
        return Setting.ofOption(option.longestName()).map(s -> s.text(environment)).orElse(null);
    }
}
