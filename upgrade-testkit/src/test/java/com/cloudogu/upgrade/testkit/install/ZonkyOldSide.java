package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.PostgresBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * TEST CODE ONLY: an old-side bindir for {@code pg_upgrade -b} made from a zonky server of a major
 * Debian does not ship (14, 16), so those majors can be upgraded from in tests.
 *
 * <p>pg_upgrade needs {@code postgres}, {@code pg_ctl}, {@code pg_controldata} and {@code pg_resetwal}
 * in the old bindir; zonky has only the first two (and {@code initdb}). The directory gets:
 * <ul>
 *   <li>links to zonky's {@code postgres}, {@code pg_ctl} and {@code initdb} (postgres resolves the
 *       link, so it still finds zonky's {@code share} and {@code lib});
 *   <li>a link to the {@code pg_controldata} of a Debian installation of 13 or 15, which reads a 14
 *       or 16 cluster correctly because 13-16 share pg_control version 1300;
 *   <li>{@code pg_resetwal}: the shell stand-in {@code pg_resetwal-standin.sh} from this package's
 *       test resources, answering only {@code -V} and {@code -n DATADIR} (the real Debian 15
 *       pg_resetwal refuses a 14 cluster: "data directory is of wrong version").
 * </ul>
 * A real old image has its own {@code pg_resetwal}; nothing here may be used outside tests. Major 12
 * (pg_control version 1201) has no compatible pg_controldata here and cannot be assembled.
 */
final class ZonkyOldSide {

    private static final String STANDIN = "pg_resetwal-standin.sh";

    private ZonkyOldSide() {}

    /**
     * @param zonky a zonky server of major 13 to 16
     * @param controldataSource a Debian installation of major 13 to 16 to take {@code pg_controldata} from
     * @param directory a directory that does not exist yet, readable by the server OS user
     * @return the assembled bindir
     */
    static Path assemble(PostgresBinaries zonky, PostgresInstallation controldataSource, Path directory)
            throws IOException {
        if (zonky.major() < 13 || zonky.major() > 16 || controldataSource.major() < 13
                || controldataSource.major() > 16) {
            throw new IllegalArgumentException("pg_control version 1300 is shared by majors 13-16 only; got zonky "
                    + zonky.major() + " and Debian " + controldataSource.major());
        }
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        for (String program : List.of("postgres", "pg_ctl", "initdb")) {
            Files.createSymbolicLink(directory.resolve(program), zonky.tool(program));
        }
        Files.createSymbolicLink(directory.resolve("pg_controldata"), controldataSource.tool("pg_controldata"));
        Path standin = directory.resolve("pg_resetwal");
        try (InputStream script = ZonkyOldSide.class.getResourceAsStream(STANDIN)) {
            if (script == null) {
                throw new IOException("test resource " + STANDIN + " is missing");
            }
            Files.copy(script, standin);
        }
        Files.setPosixFilePermissions(standin, PosixFilePermissions.fromString("rwxr-xr-x"));
        // What the real pg_resetwal -V of this zonky version would print: "14.19", not "14.19.0".
        Files.writeString(directory.resolve("pg_resetwal.conf"),
                "STANDIN_VERSION=" + zonky.major() + "." + zonky.minor() + "\n");
        return directory;
    }
}
