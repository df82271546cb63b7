package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-file CLI (launcher + jar) works alone, as when it is copied into the old container. */
class SelfContainedLauncherIT {

    @Test
    void theSingleFileRunsOnItsOwnFromAnyDirectory(@TempDir Path elsewhere) throws Exception {
        Path built = CliProcess.defaultJar().resolveSibling("dogu-upgrade");
        Path copy = elsewhere.resolve("pre-upgrade");
        Files.copy(built, copy, StandardCopyOption.COPY_ATTRIBUTES);
        Process p = new ProcessBuilder(copy.toString(), "migrations").directory(elsewhere.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("02-restrict-stat-visibility", "05-refresh-collation-versions")
                .as("the restore is an engine step, no migration").doesNotContain("01-restore");
        assertThat(Files.readString(copy, StandardCharsets.ISO_8859_1)).startsWith("#!/bin/sh");
    }
}
