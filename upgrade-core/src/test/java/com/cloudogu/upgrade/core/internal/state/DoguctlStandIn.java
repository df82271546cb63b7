package com.cloudogu.upgrade.core.internal.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real {@code doguctl} executable for tests (the bash script {@code /state/doguctl}), installed
 * into its own directory which is then put first on a {@code PATH} setting.
 */
final class DoguctlStandIn {

    private final Path bin;

    private DoguctlStandIn(Path bin) {
        this.bin = bin;
    }

    static DoguctlStandIn install(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        try (InputStream script = DoguctlStandIn.class.getResourceAsStream("/state/doguctl")) {
            Files.copy(script, bin.resolve("doguctl"));
        }
        Files.setPosixFilePermissions(bin.resolve("doguctl"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return new DoguctlStandIn(bin);
    }

    /** @return settings whose PATH finds this stand-in first */
    Map<String, String> settings() {
        return Map.of("PATH", bin + ":" + System.getenv("PATH"));
    }

    /** @return every call's arguments (without the program), oldest first */
    List<List<String>> calls() throws IOException {
        Path log = bin.resolve("argv.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<String> fields = Arrays.asList(Files.readString(log, StandardCharsets.UTF_8).split("\0", -1));
        List<List<String>> calls = new ArrayList<>();
        int i = 0;
        while (i < fields.size() - 1) {
            int argc = Integer.parseInt(fields.get(i));
            calls.add(List.copyOf(fields.subList(i + 1, i + 1 + argc)));
            i += argc + 1;
        }
        return calls;
    }

    /** @return the raw argument log, to check what was passed */
    String rawLog() throws IOException {
        Path log = bin.resolve("argv.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** @param key a key @return whether the stand-in holds a value for it */
    boolean stores(String key) {
        return Files.exists(bin.resolve("store").resolve(key));
    }

    /** @param key a key @return whether the stand-in holds it as an encrypted value */
    boolean storesEncrypted(String key) {
        return Files.exists(bin.resolve("store").resolve(key + ".enc"));
    }

    void failNextCalls(int times) throws IOException {
        Files.writeString(bin.resolve("fail-times"), Integer.toString(times));
    }

    void failAlways(String stderr) throws IOException {
        Files.writeString(bin.resolve("fail-always"), stderr + "\n");
    }

    void echoArgumentsToStderr() throws IOException {
        Files.writeString(bin.resolve("echo-argv"), "");
    }
}
