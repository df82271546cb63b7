package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The old image's PostgreSQL installation as pg_upgrade needs it from the old side: the programs of
 * {@link #PROGRAMS}, the package library directory (extensions' {@code .so} files) and the share
 * directory. Found from the {@code postgres} on {@code PATH}; {@code pg_config} is asked when it
 * lies next to it, since not every image ships it.
 *
 * @param bin the directory holding {@code postgres}
 * @param pkglib the package library directory ({@code plpgsql.so})
 * @param share the share directory ({@code postgres.bki})
 * @param major the major version
 * @param version the full version text, e.g. {@code 15.18}
 */
public record OldInstallation(Path bin, Path pkglib, Path share, int major, String version) {

    /** What pg_upgrade runs from the old bindir ({@code initdb} too, for a crash-recovery start). */
    public static final List<String> PROGRAMS = List.of("postgres", "pg_ctl", "pg_controldata", "pg_resetwal",
            "initdb");

    /**
     * @param server the installation on {@code PATH}
     * @param runner runs {@code pg_config} if present
     * @return the installation with its package library directory
     * @throws UpgradeException if the package library directory cannot be found
     */
    public static OldInstallation of(PostgresInstallation server, ProcessRunner runner) {
        Path bin = server.binDirectory();
        return new OldInstallation(bin, pkglib(bin, runner), server.shareDirectory(), server.major(),
                server.version());
    }

    private static Path pkglib(Path bin, ProcessRunner runner) {
        List<Path> candidates = new ArrayList<>();
        Path prefix = bin.getParent();
        candidates.add(prefix.resolve("lib/postgresql"));
        candidates.add(prefix.resolve("lib"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("plpgsql.so"))) {
                return c;
            }
        }
        Path pgConfig = bin.resolve("pg_config");
        if (Files.isExecutable(pgConfig)) {
            ProcessResult r = runner.run(Command.of(pgConfig.toString(), "--pkglibdir").captureStdout().build());
            Path reported = r.succeeded() ? Path.of(r.stdout().strip()) : null;
            if (reported != null && Files.isRegularFile(reported.resolve("plpgsql.so"))) {
                return reported;
            }
        }
        throw new UpgradeException(ErrorCode.SERVER, "Cannot find the package library directory (plpgsql.so) of "
                + bin + "; looked in " + candidates + ". The old installation cannot be carried over for pg_upgrade;"
                + " use --upgrade-method dump.");
    }

    /** @return the programs of {@link #PROGRAMS} this installation has */
    public List<Path> programs() {
        return PROGRAMS.stream().map(bin::resolve).filter(Files::isExecutable).toList();
    }
}
