package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.core.BackupStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where things are and how long to wait. Built with {@link #builder()}; every value has the
 * PostgreSQL dogu's default.
 *
 * @param dataDirectory {@code PGDATA}
 * @param backupDirectory where full backups are written
 * @param lockFile the phase lock, outside the data volume
 * @param waitTimeout how long startup waits for a running upgrade
 * @param pollInterval how often startup looks at the state while waiting
 * @param serverStartTimeout how long a temporary server may take to accept connections
 * @param restoreInPostUpgrade restore inside post-upgrade instead of on the next startup
 * @param keepBackup keep the backup after a successful restore
 * @param keepOldCluster keep the moved-aside old cluster after a successful restore
 * @param path the {@code PATH} searched for server and client programs
 * @param readOnlyDuringBackup make the old cluster refuse writes before the dump (see {@code ReadOnlyGuard})
 * @param backupStrategy how pre-upgrade writes the backup (a restore follows the backup's manifest instead)
 * @param jobs parallel jobs of the parallel backup and of restores (0: one per CPU)
 */
public record UpgradeSettings(Path dataDirectory, Path backupDirectory, Path lockFile, Duration waitTimeout,
                              Duration pollInterval, Duration serverStartTimeout, boolean restoreInPostUpgrade,
                              boolean keepBackup, boolean keepOldCluster, String path,
                              boolean readOnlyDuringBackup, BackupStrategy backupStrategy, int jobs) {

    /** Validates. */
    public UpgradeSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(backupDirectory, "backupDirectory");
        Objects.requireNonNull(lockFile, "lockFile");
        Objects.requireNonNull(path, "path");
    }

    /** @return a builder with the dogu's defaults */
    public static Builder builder() {
        return new Builder();
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

        /** @return the settings */
        public UpgradeSettings build() {
            return new UpgradeSettings(dataDirectory, backupDirectory, lockFile, waitTimeout, pollInterval,
                    serverStartTimeout, restoreInPostUpgrade, keepBackup, keepOldCluster, path, readOnlyDuringBackup,
                    backupStrategy, jobs);
        }
    }
}
