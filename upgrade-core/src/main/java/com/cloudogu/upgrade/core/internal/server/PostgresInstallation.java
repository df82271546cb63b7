package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server programs of the image ({@code postgres}, {@code initdb}, {@code pg_ctl})
 * as found on {@code PATH}, with their version and share directory derived from the installation
 * itself rather than from hard-coded paths.
 *
 * @param binDirectory directory holding {@code postgres}
 * @param shareDirectory directory holding {@code postgres.bki} and {@code extension/}
 * @param major the major version, e.g. 17 (9.6 is 9)
 * @param version the full version text, e.g. {@code 17.6}
 */
public record PostgresInstallation(Path binDirectory, Path shareDirectory, int major, String version) {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /**
     * @param executables where to look
     * @param runner runs {@code postgres --version}
     * @return the installation on the path
     * @throws UpgradeException if no server is installed or its version cannot be read
     */
    public static PostgresInstallation find(Executables executables, ProcessRunner runner) {
        Path postgres = executables.find("postgres").orElseThrow(() -> new UpgradeException(ErrorCode.SERVER,
                "No 'postgres' server program on PATH (" + executables.path()
                        + "). Run dogu-upgrade in the dogu image or put the server's bin directory on PATH."));
        Path bin = postgres.getParent();
        for (String tool : List.of("initdb", "pg_ctl")) {
            if (!Files.isExecutable(bin.resolve(tool))) {
                throw new UpgradeException(ErrorCode.SERVER, "'" + tool + "' is missing next to " + postgres
                        + "; the server installation is incomplete.");
            }
        }
        String out = runner.runChecked(Command.of(postgres.toString(), "--version").captureStdout().build(),
                ErrorCode.SERVER, "read the server version").stdout();
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new UpgradeException(ErrorCode.SERVER, "Cannot read the version of " + postgres + " from '"
                    + out.strip() + "'.");
        }
        int major = Integer.parseInt(m.group(1));
        String version = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
        return new PostgresInstallation(bin, shareDirectory(bin, major, runner), major, version);
    }

    private static Path shareDirectory(Path bin, int major, ProcessRunner runner) {
        Path prefix = bin.getParent();
        List<Path> candidates = new java.util.ArrayList<>(List.of(
                prefix.resolve("share/postgresql"),
                prefix.resolve("share")));
        // Debian's layout, wherever it was unpacked: <root>/usr/lib/postgresql/<major>/bin, <root>/usr/share/postgresql/<major>
        if (prefix.getParent() != null && prefix.getParent().getParent() != null
                && prefix.getParent().getParent().getParent() != null) {
            candidates.add(prefix.getParent().getParent().getParent().resolve("share/postgresql")
                    .resolve(Integer.toString(major)));
        }
        Optional<Path> found = firstWithBki(candidates);
        if (found.isPresent()) {
            return found.get();
        }
        // then pg_config (where the image has it; a process start, so not first), then the host's own places
        Path pgConfig = bin.resolve("pg_config");
        if (Files.isExecutable(pgConfig)) {
            var r = runner.run(Command.of(pgConfig.toString(), "--sharedir").captureStdout().build());
            if (r.succeeded() && Files.isRegularFile(Path.of(r.stdout().strip()).resolve("postgres.bki"))) {
                return Path.of(r.stdout().strip());
            }
        }
        candidates.add(Path.of("/usr/share/postgresql", Integer.toString(major)));
        candidates.add(Path.of("/usr/share/postgresql"));
        found = firstWithBki(candidates);
        if (found.isPresent()) {
            return found.get();
        }
        throw new UpgradeException(ErrorCode.SERVER, "Cannot find the share directory (postgres.bki) of the server in "
                + bin + "; looked in " + candidates + ".");
    }

    private static Optional<Path> firstWithBki(List<Path> candidates) {
        return candidates.stream().filter(c -> Files.isRegularFile(c.resolve("postgres.bki"))).findFirst();
    }

    /** @param program e.g. {@code initdb} @return its path in this installation */
    public Path program(String program) {
        return binDirectory.resolve(program);
    }
}
