package com.cloudogu.upgrade.cli;

import picocli.CommandLine.Option;

/**
 * How the full backup is written and how many jobs dump and restore use (a mixin of
 * {@link SharedOptions}; defaults and descriptions come from the {@link Setting} table).
 */
final class BackupOptions {

    @Option(names = "--backup-strategy", paramLabel = "plain|parallel")
    String strategy;

    @Option(names = "--jobs", paramLabel = "N")
    int jobs;

    @Option(names = "--upgrade-method", paramLabel = "dump|pg-upgrade")
    String upgradeMethod;

    @Option(names = "--pg-upgrade-mode", paramLabel = "auto|clone|copy|link")
    String pgUpgradeMode;

    @Option(names = "--pg-upgrade-rollback", paramLabel = "dump|none")
    String pgUpgradeRollback;
}
