package com.cloudogu.upgrade.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PostgreSQL client programs ({@code psql}, {@code pg_dump}, {@code pg_dumpall}, {@code
 * pg_restore}, {@code vacuumdb}, {@code pgbench}). The zonky server binaries lack them, so they come
 * from Debian's {@code postgresql-15}: version 15 dumps servers up to 15 and restores into any newer
 * one.
 *
 * <p>Directory: {@value #DEFAULT_DIRECTORY}, or the system property {@value #DIRECTORY_PROPERTY}.
 */
public final class ClientTools {

    /** System property overriding the directory of the client programs. */
    public static final String DIRECTORY_PROPERTY = "dogu.upgrade.testkit.clientBin";
    /** Where Debian's postgresql-15 installs its programs. */
    public static final String DEFAULT_DIRECTORY = "/usr/lib/postgresql/15/bin";

    private static final String INSTALL_HINT = "install postgresql-15 (apt-get install -y postgresql-15)";

    private final Path directory;

    private ClientTools(Path directory) {
        this.directory = directory;
    }

    /**
     * @return the client tools from {@value #DIRECTORY_PROPERTY} or {@value #DEFAULT_DIRECTORY}
     * @throws IllegalStateException if that directory has no {@code psql}
     */
    public static ClientTools locate() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        return at(Path.of(configured == null || configured.isBlank() ? DEFAULT_DIRECTORY : configured));
    }

    /**
     * @param directory a directory holding the client programs
     * @return the client tools in it
     * @throws IllegalStateException if that directory has no {@code psql}
     */
    public static ClientTools at(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isExecutable(directory.resolve("psql"))) {
            throw new IllegalStateException("PostgreSQL client tools not found: " + directory.resolve("psql")
                    + " is missing; " + INSTALL_HINT + " or set -D" + DIRECTORY_PROPERTY + "=<dir with psql>");
        }
        return new ClientTools(directory);
    }

    /** @return the directory holding the client programs */
    public Path directory() {
        return directory;
    }

    /**
     * @param tool a program name, e.g. {@code pg_dumpall}
     * @return its path
     * @throws IllegalStateException if the program is missing
     */
    public Path path(String tool) {
        Path path = directory.resolve(tool);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("PostgreSQL client tool " + tool + " not found in " + directory + "; "
                    + INSTALL_HINT);
        }
        return path;
    }

    /**
     * @param tool a program name, e.g. {@code psql}
     * @param arguments its arguments
     * @return the command line, ready for {@link ProcessBuilder}
     * @throws IllegalStateException if the program is missing
     */
    public List<String> command(String tool, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(path(tool).toString());
        command.addAll(List.of(arguments));
        return List.copyOf(command);
    }

    @Override
    public String toString() {
        return "ClientTools[" + directory + "]";
    }
}
