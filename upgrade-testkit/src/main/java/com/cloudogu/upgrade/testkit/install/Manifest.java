package com.cloudogu.upgrade.testkit.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} record of how an installation was made; one entry a line, in order. */
final class Manifest {

    private Manifest() {}

    /** Writes and fsyncs the manifest; its presence marks a finished installation. */
    static void write(Path file, Map<String, String> entries) throws IOException {
        StringBuilder text = new StringBuilder("# written by dogu-upgrade-testkit; the installation is complete\n");
        entries.forEach((k, v) -> text.append(k).append('=').append(v.replace("\n", " ")).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                entries.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return entries;
    }
}
