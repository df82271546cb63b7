package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.UpgradeSettings;
import picocli.CommandLine.Option;

/** How the full backup is written and how many jobs dump and restore use (a mixin of {@link SharedOptions}). */
final class BackupOptions {

    @Option(names = "--backup-strategy", paramLabel = "plain|parallel",
            defaultValue = "${env:DOGU_UPGRADE_BACKUP_STRATEGY:-plain}",
            description = "pre-upgrade: 'plain' writes one pg_dumpall file (restored with psql); 'parallel' writes"
                    + " globals plus one pg_dump directory per database, dumped and restored with --jobs. A restore"
                    + " always follows the backup's own format (env DOGU_UPGRADE_BACKUP_STRATEGY, default: ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "${env:DOGU_UPGRADE_JOBS:-0}",
            description = "Parallel jobs of the parallel dump and restore, 0 for one per CPU (env DOGU_UPGRADE_JOBS,"
                    + " default: ${DEFAULT-VALUE})")
    int jobs;

    /** @param settings settings under construction @return them with the backup options applied */
    UpgradeSettings.Builder applyTo(UpgradeSettings.Builder settings) {
        return settings.backupStrategy(BackupStrategy.parse(strategy)).jobs(jobs);
    }
}
