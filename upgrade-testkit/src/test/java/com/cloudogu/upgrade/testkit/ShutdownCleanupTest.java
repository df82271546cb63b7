package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits with a server still open stops it and removes its directories. */
class ShutdownCleanupTest {

    @Test
    void jvmExitStopsAForgottenServerAndDeletesItsTemporaryDirectories() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ForgottenServerMain.class.getName(),
                PostgresVersions.V17)
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        int port = Integer.parseInt(value(lines, "PORT="));
        Path data = Path.of(value(lines, "DATA="));
        assertThat(output).contains("JVM exits with 1 server(s) still open");
        assertThat(data).doesNotExist();
        assertThat(accepts(port)).as("no postmaster outlives the JVM").isFalse();
    }

    private static String value(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    @SuppressWarnings("try") // the resource is held, not used
    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
