package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@link Setting} table is the one description of the shared settings: every command's options
 * are exactly its entries (plus a few flags that are no settings), and the fast path reads every
 * value from the environment exactly as picocli does, for good and bad values of every type.
 */
class SettingTest {

    /** Options of the commands that are not settings: no environment variable, no default. */
    private static final Set<String> NOT_SETTINGS = Set.of("--help", "--version", "--verbose", "--json");

    @Test
    void everyCommandHasExactlyTheTablesOptionsWithTheTablesTypesAndDescriptions() {
        CommandLine cli = DoguUpgradeCli.commandLine(Map.of(), new ErrorReporter(false));
        assertThat(cli.getSubcommands()).isNotEmpty();
        cli.getSubcommands().forEach((name, command) -> {
            List<String> settings = new ArrayList<>();
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (NOT_SETTINGS.contains(option.longestName())) {
                    continue;
                }
                Optional<Setting> setting = Setting.ofOption(option.longestName());
                assertThat(setting).as(name + ": option " + option.longestName() + " is in the Setting table").isPresent();
                assertThat(option.type()).as(name + " " + option.longestName() + ": type")
                        .isEqualTo(setting.get().type().javaType());
                // picocli fills in ${DEFAULT-VALUE}; with an empty environment that is the table's default
                String help = setting.get().defaultValue() == null ? setting.get().helpText()
                        : setting.get().helpText().replace("${DEFAULT-VALUE}", setting.get().defaultValue());
                assertThat(option.description()).as(name + " " + option.longestName() + ": description")
                        .containsExactly(help);
                settings.add(option.longestName());
            }
            assertThat(settings).as(name + ": options").containsExactlyInAnyOrderElementsOf(
                    Stream.of(Setting.values()).map(Setting::option).toList());
        });
    }

    static Stream<Arguments> environmentValues() {
        List<Arguments> cases = new ArrayList<>();
        for (Setting s : Setting.values()) {
            cases.add(Arguments.of(s, null));
            for (String text : samples(s.type())) {
                cases.add(Arguments.of(s, text));
            }
        }
        return cases.stream();
    }

    private static List<String> samples(Setting.Type type) {
        return switch (type) {
            case STRING -> List.of("", " spaced ", "file:/var/lib/dogu-upgrade/state.properties", "ünïcødé");
            case PATH -> List.of("/var/lib/postgresql/17/docker", "relative/dir", "", "/with space/", "nul\0byte");
            case LONG -> List.of("0", "-5", "+7", "1800", " 12 ", "ten minutes", "9223372036854775808", "0x10", "");
            case INT -> List.of("0", "4", "-1", "+3", " 3", "2147483648", "four", "");
            case BOOLEAN -> List.of("true", "false", "TRUE", "False", " true", "yes", "1", "");
        };
    }

    @ParameterizedTest(name = "{0} = [{1}]")
    @MethodSource("environmentValues")
    void theFastPathReadsEachSettingFromTheEnvironmentAsPicocliDoes(Setting setting, String text) {
        Map<String, String> env = text == null ? Map.of() : Map.of(setting.environmentVariable(), text);

        Optional<SettingValues> fast = SettingValues.fromEnvironment(env);

        CommandLine cli = DoguUpgradeCli.commandLine(env, new ErrorReporter(false));
        try {
            cli.parseArgs("startup");
        } catch (ParameterException e) {
            assertThat(fast).as("picocli refuses it (" + e.getMessage() + "), so the fast path leaves it to picocli")
                    .isEmpty();
            return;
        }
        SettingValues full = cli.getSubcommands().get("startup").<DoguUpgradeCli.Startup>getCommand().options.values();
        assertThat(fast).as("fast path").contains(full);
    }

    @Test
    void anOptionOnTheCommandLineWinsOverTheEnvironment() {
        CommandLine cli = DoguUpgradeCli.commandLine(Map.of("PGDATA", "/from/env"), new ErrorReporter(false));

        cli.parseArgs("startup", "--pgdata", "/from/option");

        assertThat(cli.getSubcommands().get("startup").getCommandSpec().findOption("--pgdata").<Path>getValue())
                .isEqualTo(Path.of("/from/option"));
    }

    @Test
    void theReadmeListsEverySettingWithItsVariableAndDefault() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher row = Pattern.compile("(?m)^\\| `(--[a-z-]+)[^`]*` \\| `([A-Z_]+)` \\| (.*) \\|$").matcher(readme);
        List<String> rows = new ArrayList<>();
        while (row.find()) {
            Setting s = Setting.ofOption(row.group(1)).orElseThrow(() -> new AssertionError("not a setting: " + row.group()));
            assertThat(row.group(2)).as(s + ": variable").isEqualTo(s.environmentVariable());
            assertThat(row.group(3)).as(s + ": default").contains(s.defaultValue() == null ? "none" : "`" + s.defaultValue() + "`");
            rows.add(row.group(1));
        }
        assertThat(rows).containsExactlyElementsOf(Stream.of(Setting.values()).map(Setting::option).toList());
    }
}
