package com.cloudogu.upgrade.testkit.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One contender in {@link InstallationCacheTest}'s race between JVMs: gets installation {@code key}
 * from the cache at {@code args[0]}, with a slow builder that appends to {@code args[2]} so the test
 * can count builds, and prints the directory it got.
 */
final class CacheRaceMain {

    private CacheRaceMain() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String key = args[1];
        Path builds = Path.of(args[2]);
        Path home = new InstallationCache(root, "done").get(key, dir -> {
            Files.writeString(builds, ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            try {
                Thread.sleep(1500); // long enough for the other JVM to arrive and wait on the lock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.writeString(dir.resolve("done"), "");
        });
        System.out.println("HOME " + home);
    }
}
