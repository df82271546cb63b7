package com.cloudogu.upgrade.cli.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a table produced by a test run to {@code target/generated-docs/NAME.md} and refreshes
 * {@code target/generated-docs/RELIABILITY.md}: a copy of {@code docs/RELIABILITY.md} whose sections
 * between {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->} hold every table in that
 * directory. The tracked document is only read: a build must leave the work tree clean.
 * {@code docs/update-generated.sh} copies the filled-in document into {@code docs/} on purpose.
 */
final class GeneratedDocs {

    private static final String MERGED = "RELIABILITY.md";

    private GeneratedDocs() {
    }

    /**
     * @param name the section name in docs/RELIABILITY.md, also the table's file name
     * @param markdown the table
     */
    static synchronized void publish(String name, String markdown) throws IOException {
        Path directory = Path.of(System.getProperty("dogu.upgrade.generatedDocs", "target/generated-docs"));
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(name + ".md"), markdown);
        String source = System.getProperty("dogu.upgrade.reliabilityDoc");
        if (source == null || !Files.isRegularFile(Path.of(source))) {
            return;
        }
        // Rebuilt from the tracked document each time, so the copy never carries an outdated text:
        // tables of earlier runs in the same target/ (other ITs) are filled in as well.
        String text = Files.readString(Path.of(source));
        try (DirectoryStream<Path> tables = Files.newDirectoryStream(directory, "*.md")) {
            for (Path table : tables) {
                String file = table.getFileName().toString();
                if (!file.equals(MERGED)) {
                    text = fill(text, file.substring(0, file.length() - 3), Files.readString(table));
                }
            }
        }
        Files.writeString(directory.resolve(MERGED), text);
    }

    /** @return the text with the section NAME replaced by the table, or unchanged if it has no such section */
    static String fill(String text, String name, String markdown) {
        String begin = "<!-- generated:" + name + " -->";
        String end = "<!-- end:" + name + " -->";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            return text;
        }
        return text.substring(0, b + begin.length()) + "\n" + markdown + text.substring(e);
    }
}
