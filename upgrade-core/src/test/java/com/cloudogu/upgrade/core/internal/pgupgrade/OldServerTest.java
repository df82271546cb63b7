package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pid files name a leftover old server of ours; stopping one needs a real server (PgUpgradeFallbackIT). */
class OldServerTest {

    private static final InstallationProbe OLD = new InstallationProbe(Path.of("/nonexistent/bin"), Optional.empty(), 15);

    private static boolean stopLeftover(Path data) {
        return OldServer.stopLeftover(OLD, data, new ServerOwner("postgres", false), ProcessRunner.forCurrentProcess());
    }

    private static void pidFile(Path data, long pid, String socketDirectory) throws Exception {
        Files.writeString(data.resolve("postmaster.pid"), pid + "\n" + data + "\n1764600000\n5432\n" + socketDirectory
                + "\n\n  5432001  32768\nready\n");
    }

    @Test
    void noPidFileNoServer(@TempDir Path data) {
        assertThat(stopLeftover(data)).isFalse();
    }

    @Test
    void theOldContainersServerIsNotOursEvenWhenItsPidIsAliveHere(@TempDir Path data) throws Exception {
        // the old container's postmaster was often pid 1 in its own namespace; here that pid is someone else
        pidFile(data, ProcessHandle.current().pid(), "/var/run/postgresql");
        assertThat(stopLeftover(data)).isFalse();
        assertThat(data.resolve("postmaster.pid")).as("left for the recovery start to judge").exists();
    }

    @Test
    void aDeadPidIsACrashNotALeftoverServer(@TempDir Path data) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        pidFile(data, gone.pid(), "/tmp/" + OldServer.SOCKET_PREFIX + "123");
        assertThat(stopLeftover(data)).isFalse();
    }
}
