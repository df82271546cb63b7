package com.cloudogu.upgrade.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanReaperTest {

    @Test
    void recognizesTheWaysAPathAppearsInAnArgument() {
        String dir = "/var/lib/postgresql/backup";
        assertThat(OrphanReaper.mentions(dir + "/cluster-14.19-1.sql.1-x.partial", dir)).isTrue();
        assertThat(OrphanReaper.mentions("--file=" + dir + "/cluster.d/db1", dir)).isTrue();
        assertThat(OrphanReaper.mentions("\"pg_dump\" -Fa -f '" + dir + "/c.sql.partial' db", dir)).isTrue();
        assertThat(OrphanReaper.mentions(dir, dir)).isTrue();
        assertThat(OrphanReaper.mentions(dir + "-old/file", dir)).as("another directory").isFalse();
        assertThat(OrphanReaper.mentions("/x" + dir, dir)).as("a path below another root").isFalse();
    }

    @Test
    void endsAProgramLeftRunningOnTheDirectoryButNotOneOfThisProcess(@TempDir Path dir) throws Exception {
        // setsid --fork detaches it from this JVM, as an orphan of a killed run is.
        Process detached = new ProcessBuilder("setsid", "--fork", "sh", "-c", "sleep 30; : " + dir + "/x.partial").start();
        Process ours = new ProcessBuilder("sh", "-c", "sleep 30; : " + dir + "/y.partial").start();
        try {
            long orphanPid = awaitChildOf(detached);
            int ended = OrphanReaper.endProgramsUsing(dir);
            assertThat(ended).isEqualTo(1);
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(ours.isAlive()).as("a descendant of this JVM is not an orphan").isTrue();
        } finally {
            ours.destroyForcibly();
            detached.destroyForcibly();
        }
    }

    /** setsid forks when it is a process group leader; find the sh it runs. */
    private static long awaitChildOf(Process setsid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
                String cmd = h.info().commandLine().orElse("");
                if (cmd.contains("sleep 30; : ") && cmd.contains("x.partial")) {
                    return h.pid();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("detached sh did not start");
    }
}
