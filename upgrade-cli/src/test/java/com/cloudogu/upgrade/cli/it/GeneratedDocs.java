package com.cloudogu.upgrade.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a table produced by a test run into {@code target/} and into the section of
 * {@code docs/RELIABILITY.md} between {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->},
 * so the document always shows what the last suite run measured.
 */
final class GeneratedDocs {

    private GeneratedDocs() {
    }

    static void publish(String name, String markdown) throws IOException {
        Path target = Path.of("target", name + ".md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, markdown);
        String docs = System.getProperty("dogu.upgrade.reliabilityDoc");
        if (docs == null || !Files.isRegularFile(Path.of(docs))) {
            return;
        }
        Path doc = Path.of(docs);
        String text = Files.readString(doc);
        String begin = "<!-- generated:" + name + " -->";
        String end = "<!-- end:" + name + " -->";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            return;
        }
        Files.writeString(doc, text.substring(0, b + begin.length()) + "\n" + markdown + text.substring(e));
    }
}
