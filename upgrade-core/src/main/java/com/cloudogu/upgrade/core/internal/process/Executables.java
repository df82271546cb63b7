package com.cloudogu.upgrade.core.internal.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs on a {@code PATH}, as a shell would, without running a shell. */
public final class Executables {

    private final String path;

    /** @param path a {@code PATH} value (colon-separated directories) */
    public Executables(String path) {
        this.path = path == null ? "" : path;
    }

    /** @return a finder over this process's {@code PATH} */
    public static Executables fromEnvironment() {
        return new Executables(System.getenv("PATH"));
    }

    /**
     * @param name program name, e.g. {@code pg_dumpall}
     * @return the first executable file of that name on the path
     */
    public Optional<Path> find(String name) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** @return the {@code PATH} value searched */
    public String path() {
        return path;
    }
}
