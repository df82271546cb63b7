package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.core.DoguUpgrade;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command shares. Each is a {@link Setting}: its default (environment variable,
 * then the dogu default) and its description come from that table through {@link SettingDefaults}
 * and {@link SettingDescriptions}; the fields only declare the options and their types to picocli.
 */
final class SharedOptions {

    @Option(names = "--pgdata", paramLabel = "DIR")
    Path dataDirectory;

    @Option(names = "--backup-dir", paramLabel = "DIR")
    Path backupDirectory;

    @Option(names = "--state-store", paramLabel = "STORE")
    String stateStore;

    @Option(names = "--lock-file", paramLabel = "FILE")
    Path lockFile;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS")
    long waitTimeoutSeconds;

    @Option(names = "--restore-in-post-upgrade")
    boolean restoreInPostUpgrade;

    @Option(names = "--keep-backup")
    boolean keepBackup;

    @Option(names = "--keep-old-cluster")
    boolean keepOldCluster;

    @Option(names = "--read-only-during-backup")
    boolean readOnlyDuringBackup;

    @Option(names = "--plugins", paramLabel = "DIR")
    String pluginDirectory;

    @Option(names = "--events-file", paramLabel = "FILE")
    String eventsFile;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging and stack traces")
    boolean verbose;

    @Mixin BackupOptions backup;

    /** The command this mixin belongs to: its model holds the parsed value of every option. */
    @Spec(Spec.Target.MIXEE) CommandSpec command;

    /** @return the values of the command line, read through picocli's model by setting */
    SettingValues values() {
        return SettingValues.of(s -> command.findOption(s.option()).getValue());
    }

    DoguUpgrade upgrade() {
        return values().upgrade();
    }
}
