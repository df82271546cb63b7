package com.cloudogu.upgrade.testkit.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A complete PostgreSQL installation of one major: the server and every client program
 * ({@code initdb}, {@code pg_ctl}, {@code pg_upgrade}, {@code pg_dump}, {@code pg_controldata},
 * {@code pg_resetwal}, {@code psql}, ...), all of exactly one version, as {@code pg_upgrade}
 * demands of its new side. Obtained from {@link DebianInstallations}.
 *
 * <p>The programs may have been patched to run on a private glibc whose path is absolute, so the
 * installation must not be moved or copied elsewhere; copy single files out of it only if they are
 * not programs.
 */
public final class PostgresInstallation {

    /** The programs every installation from {@link DebianInstallations} is checked to contain. */
    public static final List<String> REQUIRED_PROGRAMS = List.of("postgres", "pg_ctl", "initdb", "pg_upgrade",
            "pg_dump", "pg_dumpall", "pg_restore", "psql", "pg_controldata", "pg_resetwal");

    private final int major;
    private final String origin;
    private final Path bin;
    private final Path lib;
    private final Path share;
    private final String versionLine;
    private final Map<String, String> manifest;

    PostgresInstallation(int major, String origin, Path bin, Path lib, Path share, String versionLine,
            Map<String, String> manifest) {
        this.major = major;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.bin = Objects.requireNonNull(bin, "bin");
        this.lib = Objects.requireNonNull(lib, "lib");
        this.share = Objects.requireNonNull(share, "share");
        this.versionLine = Objects.requireNonNull(versionLine, "versionLine");
        this.manifest = Map.copyOf(manifest);
    }

    /** @return the PostgreSQL major, e.g. {@code 17} */
    public int major() {
        return major;
    }

    /** @return where it came from, e.g. {@code Debian trixie} or {@code system} */
    public String origin() {
        return origin;
    }

    /** @return the directory holding the programs ({@code pg_upgrade -b/-B} takes this) */
    public Path bin() {
        return bin;
    }

    /** @return the package library directory (extension modules such as {@code plpgsql.so}) */
    public Path lib() {
        return lib;
    }

    /** @return the share directory ({@code extension/}, {@code timezonesets/}, {@code postgres.bki}) */
    public Path share() {
        return share;
    }

    /**
     * @return what {@code postgres -V} printed when the installation was made, e.g.
     *     {@code postgres (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)}; suites move, so this is the
     *     record of which version a test actually ran
     */
    public String versionLine() {
        return versionLine;
    }

    /**
     * @return facts recorded when the installation was made: suite, mirror, package versions, bytes
     *     downloaded and the time it took (empty for a system installation)
     */
    public Map<String, String> manifest() {
        return manifest;
    }

    /**
     * @param name a program, e.g. {@code pg_upgrade}
     * @return its path
     * @throws IllegalArgumentException if the installation has no such program
     */
    public Path tool(String name) {
        Path tool = bin.resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new IllegalArgumentException("PostgreSQL " + major + " (" + origin + ", " + bin
                    + ") has no program " + name);
        }
        return tool;
    }

    @Override
    public String toString() {
        return versionLine + " [" + origin + ", " + bin + "]";
    }
}
