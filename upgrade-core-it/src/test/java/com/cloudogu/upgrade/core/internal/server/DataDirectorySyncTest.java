package com.cloudogu.upgrade.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flush before promotion with real initdb programs: 17 flushes whole file systems where the
 * kernel reports syncfs errors, 15 (no such option) and old kernels flush file by file.
 */
class DataDirectorySyncTest {

    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();
    private final ServerOwner owner = ServerOwner.of("postgres");

    @TempDir
    Path dir;

    private static PostgresInstallation installation(int major) {
        return PostgresInstallation.find(new Executables(DebianInstallations.get(major).bin() + ":/usr/bin:/bin"),
                ProcessRunner.forCurrentProcess());
    }

    private DataDirectory cluster(PostgresInstallation installation) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        DataDirectory data = new DataDirectory(dir.resolve(installation.major() + "/docker"));
        new ClusterInitializer(installation, runner, owner).initialize(data,
                new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false), "postgres", Optional.empty());
        return data;
    }

    @Test
    void seventeenFlushesWholeFileSystemsOnAKernelThatReportsSyncfsErrors() throws Exception {
        PostgresInstallation seventeen = installation(17);
        DataDirectorySync sync = new DataDirectorySync(seventeen, runner, owner, "Linux", "6.1.0-40-amd64");
        assertThat(sync.usesSyncfs()).isTrue();

        sync.sync(cluster(seventeen)); // initdb 17 accepts --sync-method=syncfs, or this throws

        assertThat(new DataDirectorySync(seventeen, runner, owner, "Linux", "5.4.0-150-generic").usesSyncfs())
                .as("syncfs before 5.8 does not report write-back errors").isFalse();
    }

    @Test
    void fifteenFlushesFileByFile() throws Exception {
        PostgresInstallation fifteen = installation(15);
        DataDirectorySync sync = new DataDirectorySync(fifteen, runner, owner, "Linux", "6.1.0-40-amd64");
        assertThat(sync.usesSyncfs()).as("initdb 15 has no --sync-method").isFalse();

        sync.sync(cluster(fifteen));
    }

    @Test
    void kernelReleasesAreComparedByMajorAndMinor() {
        int[] min = {5, 8};
        assertThat(DataDirectorySync.atLeast("5.8.0", min)).isTrue();
        assertThat(DataDirectorySync.atLeast("5.10.0-28-amd64", min)).isTrue();
        assertThat(DataDirectorySync.atLeast("6.0.1", min)).isTrue();
        assertThat(DataDirectorySync.atLeast("5.7.19", min)).isFalse();
        assertThat(DataDirectorySync.atLeast("4.19.0", min)).isFalse();
        assertThat(DataDirectorySync.atLeast("unknown", min)).isFalse();
    }
}
