package com.cloudogu.upgrade.core.internal.phase;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.process.UserSwitch;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.state.MemoryStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A phase environment on a made-up volume, with no server: the state lives in memory and the process
 * runner is a mock, so a test can check that a decision was taken without running any program.
 */
final class PhaseFixture {

    final Path volume;
    final Path backupDir;
    final MemoryStateStore state = new MemoryStateStore();
    final ProcessRunner runner = mock(ProcessRunner.class);
    private final Path lockFile;

    /** @param dir an empty temporary directory; the volume is {@code dir/volume} */
    PhaseFixture(Path dir) {
        volume = dir.resolve("volume");
        backupDir = volume.resolve("backup");
        lockFile = dir.resolve("dogu-upgrade.lock");
        // As if this process were the database OS user: nothing is handed over with chown, so the tests
        // behave alike as root and as any user, and need no "postgres" user on the machine.
        when(runner.userSwitch()).thenReturn(new UserSwitch(false, Executables.fromEnvironment()));
    }

    /** @param pgdata PGDATA @param migrations the migrations discovery finds @return the environment */
    PhaseEnvironment env(Path pgdata, Supplier<List<Migration>> migrations) {
        return env(pgdata, migrations, b -> b);
    }

    PhaseEnvironment env(Path pgdata, Supplier<List<Migration>> migrations, UnaryOperator<UpgradeSettings.Builder> tune) {
        UpgradeSettings settings = tune.apply(UpgradeSettings.builder().dataDirectory(pgdata).backupDirectory(backupDir)
                .lockFile(lockFile).pollInterval(Duration.ofMillis(5))).build();
        return new PhaseEnvironment(settings, state, runner, new EventDispatcher(), migrations, () -> {
            throw new AssertionError("no backup rules expected");
        });
    }

    /** Fails the test if any program was run or started: every decision here is taken before that. */
    void assertNoProgramRan() {
        verify(runner, never()).run(any());
        verify(runner, never()).start(any());
        verify(runner, never()).runChecked(any(), any(), any());
    }

    Path lockFile() {
        return lockFile;
    }

    /** Writes the files that make a directory pass for a cluster of {@code major}. */
    static Path cluster(Path dir, String major) throws IOException {
        Files.createDirectories(dir.resolve("base/1"));
        Files.createDirectories(dir.resolve("global"));
        Files.writeString(dir.resolve("PG_VERSION"), major + "\n");
        Files.writeString(dir.resolve("base/1/1259"), "rows of " + dir.getFileName());
        Files.writeString(dir.resolve("global/pg_control"), "control");
        return dir;
    }

    /** A cluster this tool initialized for a restore that did not finish. */
    static Path restoreTarget(Path dir, String major) throws IOException {
        cluster(dir, major);
        Files.writeString(dir.resolve(DataDirectory.RESTORE_TARGET_MARKER), "initialized by dogu-upgrade\n");
        return dir;
    }

    /** Sets the read-only guard pre-upgrade writes into the old cluster while it takes the backup. */
    static void readOnlyGuard(Path cluster) throws IOException {
        Files.writeString(cluster.resolve("postgresql.auto.conf"), "work_mem = '8MB'\ndefault_transaction_read_only = on\n");
    }

    static boolean hasReadOnlyGuard(Path cluster) throws IOException {
        return Files.readString(cluster.resolve("postgresql.auto.conf")).contains("default_transaction_read_only");
    }
}
