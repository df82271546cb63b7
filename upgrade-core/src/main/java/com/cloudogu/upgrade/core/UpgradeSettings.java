package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where things are and how long to wait. Built with {@link #builder()}; every value has the
 * PostgreSQL dogu's default. A class with a builder rather than a record, so that adding a setting
 * never breaks a caller.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class UpgradeSettings {

    private final Path dataDirectory;
    private final Path backupDirectory;
    private final Path lockFile;
    private final Duration waitTimeout;
    private final Duration pollInterval;
    private final Duration serverStartTimeout;
    private final boolean restoreInPostUpgrade;
    private final boolean keepBackup;
    private final boolean keepOldCluster;
    private final String path;
    private final boolean readOnlyDuringBackup;
    private final BackupStrategy backupStrategy;
    private final int jobs;
    private final UpgradeMethod upgradeMethod;
    private final PgUpgradeMode pgUpgradeMode;
    private final PgUpgradeRollback pgUpgradeRollback;

    private UpgradeSettings(Builder b) {
        this.dataDirectory = b.dataDirectory;
        this.backupDirectory = b.backupDirectory;
        this.lockFile = b.lockFile;
        this.waitTimeout = b.waitTimeout;
        this.pollInterval = b.pollInterval;
        this.serverStartTimeout = b.serverStartTimeout;
        this.restoreInPostUpgrade = b.restoreInPostUpgrade;
        this.keepBackup = b.keepBackup;
        this.keepOldCluster = b.keepOldCluster;
        this.path = b.path;
        this.readOnlyDuringBackup = b.readOnlyDuringBackup;
        this.backupStrategy = b.backupStrategy;
        this.jobs = b.jobs;
        this.upgradeMethod = Objects.requireNonNull(b.upgradeMethod, "upgradeMethod");
        this.pgUpgradeMode = Objects.requireNonNull(b.pgUpgradeMode, "pgUpgradeMode");
        this.pgUpgradeRollback = Objects.requireNonNull(b.pgUpgradeRollback, "pgUpgradeRollback");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(backupDirectory, "backupDirectory");
        Objects.requireNonNull(lockFile, "lockFile");
        Objects.requireNonNull(path, "path");
    }

    /** @return a builder with the dogu's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings, to change some of them */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataDirectory = dataDirectory;
        b.backupDirectory = backupDirectory;
        b.lockFile = lockFile;
        b.waitTimeout = waitTimeout;
        b.pollInterval = pollInterval;
        b.serverStartTimeout = serverStartTimeout;
        b.restoreInPostUpgrade = restoreInPostUpgrade;
        b.keepBackup = keepBackup;
        b.keepOldCluster = keepOldCluster;
        b.path = path;
        b.readOnlyDuringBackup = readOnlyDuringBackup;
        b.backupStrategy = backupStrategy;
        b.jobs = jobs;
        b.upgradeMethod = upgradeMethod;
        b.pgUpgradeMode = pgUpgradeMode;
        b.pgUpgradeRollback = pgUpgradeRollback;
        return b;
    }

    /** @return {@code PGDATA} */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** @return where full backups are written */
    public Path backupDirectory() {
        return backupDirectory;
    }

    /** @return the phase lock, outside the data volume */
    public Path lockFile() {
        return lockFile;
    }

    /** @return how long startup waits for a running upgrade */
    public Duration waitTimeout() {
        return waitTimeout;
    }

    /** @return how often startup looks at the state while waiting */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return how long a temporary server may take to accept connections */
    public Duration serverStartTimeout() {
        return serverStartTimeout;
    }

    /** @return whether to restore inside post-upgrade instead of on the next startup */
    public boolean restoreInPostUpgrade() {
        return restoreInPostUpgrade;
    }

    /** @return whether to keep the backup after a successful restore */
    public boolean keepBackup() {
        return keepBackup;
    }

    /** @return whether to keep the moved-aside old cluster after a successful restore */
    public boolean keepOldCluster() {
        return keepOldCluster;
    }

    /** @return the {@code PATH} searched for server and client programs */
    public String path() {
        return path;
    }

    /** @return whether the old cluster refuses writes before the dump */
    public boolean readOnlyDuringBackup() {
        return readOnlyDuringBackup;
    }

    /** @return how pre-upgrade writes the backup (a restore follows the backup's manifest instead) */
    public BackupStrategy backupStrategy() {
        return backupStrategy;
    }

    /** @return parallel jobs of the parallel backup and of restores (0: one per CPU) */
    public int jobs() {
        return jobs;
    }

    /** @return how a cluster crosses a major version */
    public UpgradeMethod upgradeMethod() {
        return upgradeMethod;
    }

    /** @return the pg_upgrade mode, for {@link UpgradeMethod#PG_UPGRADE} */
    public PgUpgradeMode pgUpgradeMode() {
        return pgUpgradeMode;
    }

    /** @return the rollback of a link-mode pg_upgrade, for {@link UpgradeMethod#PG_UPGRADE} */
    public PgUpgradeRollback pgUpgradeRollback() {
        return pgUpgradeRollback;
    }

    @Override
    public String toString() {
        // PATH is left out: long, and not a setting anyone looks for here
        return "UpgradeSettings[dataDirectory=" + dataDirectory + ", backupDirectory=" + backupDirectory
                + ", lockFile=" + lockFile + ", backupStrategy=" + backupStrategy + ", jobs=" + jobs + "]";
    }

    /** Builds {@link UpgradeSettings}. */
    public static final class Builder {
        private Path dataDirectory = Path.of("/var/lib/postgresql");
        private Path backupDirectory = Path.of("/var/lib/postgresql/backup");
        private Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "dogu-upgrade.lock");
        private Duration waitTimeout = Duration.ofMinutes(30);
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration serverStartTimeout = Duration.ofMinutes(2);
        private boolean restoreInPostUpgrade;
        private boolean keepBackup;
        private boolean keepOldCluster;
        private String path = System.getenv("PATH") == null ? "/usr/bin:/bin" : System.getenv("PATH");
        private boolean readOnlyDuringBackup;
        private BackupStrategy backupStrategy = BackupStrategy.PLAIN;
        private int jobs;
        private UpgradeMethod upgradeMethod = UpgradeMethod.DUMP;
        private PgUpgradeMode pgUpgradeMode = PgUpgradeMode.AUTO;
        private PgUpgradeRollback pgUpgradeRollback = PgUpgradeRollback.DUMP;

        private Builder() {
        }

        /** @param v PGDATA @return this */
        public Builder dataDirectory(Path v) {
            dataDirectory = v;
            return this;
        }

        /** @param v backup directory @return this */
        public Builder backupDirectory(Path v) {
            backupDirectory = v;
            return this;
        }

        /** @param v lock file @return this */
        public Builder lockFile(Path v) {
            lockFile = v;
            return this;
        }

        /** @param v startup wait timeout @return this */
        public Builder waitTimeout(Duration v) {
            waitTimeout = v;
            return this;
        }

        /** @param v startup poll interval @return this */
        public Builder pollInterval(Duration v) {
            pollInterval = v;
            return this;
        }

        /** @param v temporary server start timeout @return this */
        public Builder serverStartTimeout(Duration v) {
            serverStartTimeout = v;
            return this;
        }

        /** @param v restore inside post-upgrade @return this */
        public Builder restoreInPostUpgrade(boolean v) {
            restoreInPostUpgrade = v;
            return this;
        }

        /** @param v keep the backup after a restore @return this */
        public Builder keepBackup(boolean v) {
            keepBackup = v;
            return this;
        }

        /** @param v keep the old cluster after a restore @return this */
        public Builder keepOldCluster(boolean v) {
            keepOldCluster = v;
            return this;
        }

        /** @param v PATH for server and client programs @return this */
        public Builder path(String v) {
            path = v;
            return this;
        }

        /** @param v how pre-upgrade writes the backup (default plain) @return this */
        public Builder backupStrategy(BackupStrategy v) {
            backupStrategy = Objects.requireNonNull(v, "backupStrategy");
            return this;
        }

        /** @param v parallel jobs, 0 for one per CPU @return this */
        public Builder jobs(int v) {
            jobs = Math.max(0, v);
            return this;
        }

        /** @param v make the old cluster read-only before the dump @return this */
        public Builder readOnlyDuringBackup(boolean v) {
            readOnlyDuringBackup = v;
            return this;
        }

        /** @param v how a cluster crosses a major version @return this */
        public Builder upgradeMethod(UpgradeMethod v) {
            upgradeMethod = v;
            return this;
        }

        /** @param v the pg_upgrade mode @return this */
        public Builder pgUpgradeMode(PgUpgradeMode v) {
            pgUpgradeMode = v;
            return this;
        }

        /** @param v the rollback of a link-mode pg_upgrade @return this */
        public Builder pgUpgradeRollback(PgUpgradeRollback v) {
            pgUpgradeRollback = v;
            return this;
        }

        /** @return the settings */
        public UpgradeSettings build() {
            return new UpgradeSettings(this);
        }
    }
}
