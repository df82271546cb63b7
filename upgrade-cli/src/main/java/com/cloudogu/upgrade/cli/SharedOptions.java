package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.DoguUpgrade;
import com.cloudogu.upgrade.core.PluginDirectory;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.core.StateStores;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Settings every command shares; each option falls back to an environment variable, then the dogu default. */
final class SharedOptions {

    @Option(names = "--pgdata", paramLabel = "DIR", defaultValue = "${env:PGDATA:-/var/lib/postgresql}",
            description = "PostgreSQL data directory (env PGDATA, default: ${DEFAULT-VALUE})")
    Path dataDirectory;

    @Option(names = "--backup-dir", paramLabel = "DIR",
            defaultValue = "${env:DOGU_UPGRADE_BACKUP_DIR:-/var/lib/postgresql/backup}",
            description = "Where full backups are written (env DOGU_UPGRADE_BACKUP_DIR, default: ${DEFAULT-VALUE})")
    Path backupDirectory;

    @Option(names = "--state-store", paramLabel = "STORE", defaultValue = "${env:DOGU_UPGRADE_STATE_STORE:-doguctl}",
            description = "State store: doguctl, or file:<path> (env DOGU_UPGRADE_STATE_STORE, default: ${DEFAULT-VALUE})")
    String stateStore;

    @Option(names = "--lock-file", paramLabel = "FILE", defaultValue = "${env:DOGU_UPGRADE_LOCK_FILE:-/tmp/dogu-upgrade.lock}",
            description = "Phase lock, outside the data volume (env DOGU_UPGRADE_LOCK_FILE, default: ${DEFAULT-VALUE})")
    Path lockFile;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "${env:DOGU_UPGRADE_WAIT_TIMEOUT:-1800}",
            description = "How long startup waits for a running upgrade (env DOGU_UPGRADE_WAIT_TIMEOUT, default: ${DEFAULT-VALUE})")
    long waitTimeoutSeconds;

    @Option(names = "--restore-in-post-upgrade", defaultValue = "${env:DOGU_UPGRADE_RESTORE_IN_POST_UPGRADE:-false}",
            description = "Restore inside post-upgrade instead of on the next startup (env DOGU_UPGRADE_RESTORE_IN_POST_UPGRADE)")
    boolean restoreInPostUpgrade;

    @Option(names = "--keep-backup", defaultValue = "${env:DOGU_UPGRADE_KEEP_BACKUP:-false}",
            description = "Keep the backup after a successful restore (env DOGU_UPGRADE_KEEP_BACKUP)")
    boolean keepBackup;

    @Option(names = "--keep-old-cluster", defaultValue = "${env:DOGU_UPGRADE_KEEP_OLD_CLUSTER:-false}",
            description = "Keep the moved-aside old cluster after a successful restore (env DOGU_UPGRADE_KEEP_OLD_CLUSTER)")
    boolean keepOldCluster;

    @Option(names = "--read-only-during-backup", defaultValue = "${env:DOGU_UPGRADE_READ_ONLY_DURING_BACKUP:-false}",
            description = "pre-upgrade: make the old cluster refuse writes before the dump; undone by abort"
                    + " (env DOGU_UPGRADE_READ_ONLY_DURING_BACKUP)")
    boolean readOnlyDuringBackup;

    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "${env:DOGU_UPGRADE_PLUGINS}",
            description = "Also load the migrations (and other providers) of every *.jar in DIR; DIR and its jars must"
                    + " belong to root or the current user and not be writable by group or others"
                    + " (env DOGU_UPGRADE_PLUGINS, default: none)")
    String pluginDirectory;

    @Option(names = "--events-file", paramLabel = "FILE", defaultValue = "${env:DOGU_UPGRADE_EVENTS_FILE}",
            description = "Append every phase and migration event to FILE as one JSON object per line, see"
                    + " docs/EVENTS.md (env DOGU_UPGRADE_EVENTS_FILE, default: none)")
    String eventsFile;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging and stack traces")
    boolean verbose;

    @picocli.CommandLine.Mixin BackupOptions backup;

    DoguUpgrade upgrade() {
        StateStore store = new LazyStateStore(stateStore, () -> StateStores.open(stateStore, System.getenv()));
        UpgradeSettings settings = backup.applyTo(UpgradeSettings.builder())
                .dataDirectory(dataDirectory)
                .backupDirectory(backupDirectory)
                .lockFile(lockFile)
                .waitTimeout(Duration.ofSeconds(waitTimeoutSeconds))
                .restoreInPostUpgrade(restoreInPostUpgrade)
                .keepBackup(keepBackup)
                .keepOldCluster(keepOldCluster)
                .readOnlyDuringBackup(readOnlyDuringBackup)
                .build();
        DoguUpgrade.Builder builder = DoguUpgrade.builder().settings(settings).stateStore(store);
        if (isSet(pluginDirectory)) {
            // Open for the life of the process: classes of plugin migrations load from it until the end.
            builder.classLoader(PluginDirectory.open(Path.of(pluginDirectory)));
        }
        if (isSet(eventsFile)) {
            builder.listener(JsonLinesEventWriter.open(Path.of(eventsFile)));
        }
        return builder.build();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
