package com.cloudogu.upgrade.testkit.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build-once publication of installations across JVMs, and cleanup after builders that died. */
class InstallationCacheTest {

    @TempDir
    Path cache;

    @Test
    void twoJvmsRacingBuildOnceAndGetTheSameDirectory() throws Exception {
        Path builds = cache.resolve("builds.txt");
        Path root = cache.resolve("installations");
        List<Process> contenders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            contenders.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CacheRaceMain.class.getName(), root.toString(),
                    "17-trixie", builds.toString()).redirectErrorStream(true).start());
        }
        List<String> homes = new ArrayList<>();
        for (Process p : contenders) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            homes.add(out.lines().filter(l -> l.startsWith("HOME ")).findFirst().orElseThrow());
        }
        assertThat(homes.get(0)).isEqualTo(homes.get(1));
        assertThat(Files.readAllLines(builds)).hasSize(1);
        assertThat(Files.readSymbolicLink(root.resolve("17-trixie")).toString()).startsWith("17-trixie.");
    }

    @Test
    void leftoversOfADeadBuilderAreRemovedAndAFailedBuildLeavesNothing() throws IOException {
        Path root = cache.resolve("installations");
        Files.createDirectories(root.resolve("13-bullseye.dead-builder/root"));
        InstallationCache installations = new InstallationCache(root, "done");

        assertThatThrownBy(() -> installations.get("13-bullseye", dir -> {
            throw new IOException("mirror gone");
        })).hasMessage("mirror gone");
        assertThat(names(root)).containsExactly(".13-bullseye.lock");

        Path home = installations.get("13-bullseye", dir -> Files.writeString(dir.resolve("done"), ""));
        assertThat(installations.lookup("13-bullseye")).isEqualTo(home);
        assertThat(names(root)).containsExactlyInAnyOrder(".13-bullseye.lock", "13-bullseye",
                home.getFileName().toString());
        // A second get does not build again.
        assertThat(installations.get("13-bullseye", dir -> {
            throw new AssertionError("built twice");
        })).isEqualTo(home);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }
}
