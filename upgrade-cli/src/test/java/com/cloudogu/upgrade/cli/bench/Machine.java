package com.cloudogu.upgrade.cli.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A one-line description of the machine a benchmark ran on: CPUs, CPU model, memory, disk. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format(Locale.ROOT, "%.1f GiB RAM", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0))
                .orElse("unknown RAM");
        String disk;
        try {
            FileStore store = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir")));
            disk = "tmp on " + store.name() + " (" + store.type() + ", "
                    + String.format(Locale.ROOT, "%.0f GiB free", store.getUsableSpace() / 1073741824.0) + ")";
        } catch (IOException e) {
            disk = "disk unknown";
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + mem + ", " + disk + ", Java "
                + System.getProperty("java.version");
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String l : lines) {
                if (l.startsWith(key)) {
                    return java.util.Optional.of(l.substring(l.indexOf(':') + 1).strip());
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return java.util.Optional.empty();
    }
}
