package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the new image's {@code pg_upgrade} with the carried-over old programs, as the database OS
 * user, in a working directory of its own (pg_upgrade writes its logs and sockets there).
 */
public final class PgUpgradeRun {

    private static final Logger LOG = LoggerFactory.getLogger(PgUpgradeRun.class);
    /** pg_upgrade's working directory (logs, sockets) in the backup directory; every attempt starts it afresh. */
    public static final String WORK_DIRECTORY = "pg-upgrade-work";

    private final PostgresInstallation target;
    private final InstallationProbe old;
    private final ProcessRunner runner;
    private final ServerOwner owner;

    /**
     * @param target the new image's installation (must hold {@code pg_upgrade})
     * @param old the probed old installation
     * @param runner runs pg_upgrade
     * @param owner the database OS user
     */
    public PgUpgradeRun(PostgresInstallation target, InstallationProbe old, ProcessRunner runner, ServerOwner owner) {
        this.target = target;
        this.old = old;
        this.runner = runner;
        this.owner = owner;
    }

    /**
     * {@code pg_upgrade --check} with the mode's option, so that clone support and same-file-system
     * links are checked too. Changes nothing in either cluster.
     *
     * @return the result; not successful when pg_upgrade refuses (its reason is in the output)
     */
    public ProcessResult check(Path oldData, Path newData, PgUpgradeMode mode, Path workDirectory, String superuser) {
        return runner.run(command(oldData, newData, mode, workDirectory, superuser, 1, true));
    }

    /**
     * Runs the upgrade and hands back a failure, so that the caller can take the
     * next rung: pg_upgrade runs its consistency checks first and changes nothing when one fails; a
     * later failure leaves the target half-filled and, in link mode, the old {@code pg_control} renamed.
     *
     * @return pg_upgrade's result
     */
    public ProcessResult attempt(Path oldData, Path newData, PgUpgradeMode mode, Path workDirectory, String superuser,
                                 int jobs) {
        long t0 = System.nanoTime();
        ProcessResult r = runner.run(command(oldData, newData, mode, workDirectory, superuser, jobs, false));
        if (r.succeeded()) {
            LOG.info("pg_upgrade {} from PostgreSQL {} to {} finished in {} ms", flag(mode), old.major(),
                    target.version(), (System.nanoTime() - t0) / 1_000_000);
        }
        return r;
    }

    /**
     * @param r a failed run
     * @return whether pg_upgrade got past its consistency checks, i.e. wrote into the new cluster
     */
    public static boolean changedTheTarget(ProcessResult r) {
        return r.stdout().contains("Performing Upgrade");
    }

    /**
     * @param mode a concrete mode (not {@link PgUpgradeMode#AUTO})
     * @return pg_upgrade's option for it
     */
    static String flag(PgUpgradeMode mode) {
        return switch (mode) {
            case CLONE -> "--clone";
            case COPY -> "--copy";
            case LINK -> "--link";
            case AUTO -> throw new IllegalArgumentException("auto is chosen before pg_upgrade runs");
        };
    }

    private Command command(Path oldData, Path newData, PgUpgradeMode mode, Path workDirectory, String superuser,
                            int jobs, boolean check) {
        try {
            Files.createDirectories(workDirectory);
            owner.chown(workDirectory);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot create pg_upgrade's working directory "
                    + workDirectory + ": " + e.getMessage(), e);
        }
        List<String> args = new ArrayList<>(List.of("--old-bindir=" + old.bin(), "--new-bindir=" + target.binDirectory(),
                "--old-datadir=" + oldData, "--new-datadir=" + newData, "--username=" + superuser,
                "--socketdir=" + workDirectory, flag(mode), "--jobs=" + Math.max(1, jobs)));
        if (check) {
            args.add("--check");
        } else if (target.major() >= 15) {
            // The engine flushes the whole new cluster once before promoting it; pg_upgrade's own flush
            // (from 15 it can be skipped) would write the same files to disk a second time.
            args.add("--no-sync");
        }
        Command.Builder cmd = Command.of(target.program("pg_upgrade").toString()).args(args)
                .workingDirectory(workDirectory).runAs(owner.name()).captureStdout().timeout(Duration.ofHours(12));
        old.environment().forEach(cmd::env);
        return cmd.build();
    }
}
