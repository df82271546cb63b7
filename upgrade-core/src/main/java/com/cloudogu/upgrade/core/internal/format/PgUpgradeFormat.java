package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.PgUpgradeRollback;
import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.backup.MethodRecord;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationDumper;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationProbe;
import com.cloudogu.upgrade.core.internal.pgupgrade.ModeChoice;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldClusterShutdown;
import com.cloudogu.upgrade.core.internal.pgupgrade.PgUpgradeRefusal;
import com.cloudogu.upgrade.core.internal.pgupgrade.PgUpgradeRun;
import com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.restore.RestoreTarget;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pg_upgrade method as a format: pre-upgrade publishes the old installation instead of a dump
 * ({@link InstallationDumper}); verifying checks every file and runs the copied programs
 * ({@link InstallationProbe}); restoring brings the old cluster to a clean shutdown with the old
 * server, stops the fresh target's temporary server and runs {@code pg_upgrade} into it in the chosen
 * mode ({@link ModeChoice}). Link mode is chosen only when a rollback exists (the pre-upgrade's
 * rollback dump, or a volume snapshot the operator opted into); its steps are journaled
 * ({@link PgUpgradeLinkSteps}) so that a rerun after a crash brings the old cluster back before the
 * new cluster's first start, and restores the rollback dump after it. Every attempt starts from a
 * fresh target, as for any restore.
 */
final class PgUpgradeFormat implements BackupFormat {

    private static final Logger LOG = LoggerFactory.getLogger(PgUpgradeFormat.class);

    private final FormatTools tools;
    private final Supplier<PostgresInstallation> installation;
    private final PgUpgradeMode mode;
    private Map.Entry<Path, InstallationProbe> probed;
    private boolean carriedStatistics;
    private String unusableCopy;

    /**
     * @param tools what the formats share
     * @param installation the installation on {@code PATH}: the old one in pre-upgrade, the new one after
     * @param mode the mode asked for
     */
    PgUpgradeFormat(FormatTools tools, Supplier<PostgresInstallation> installation, PgUpgradeMode mode) {
        this.tools = tools;
        this.installation = installation;
        this.mode = mode;
    }

    @Override
    public String manifestFormat() {
        return InstallationDumper.FORMAT;
    }

    @Override
    public Path dump(DumpRequest request) {
        // Link mode's rollback: a plain dump, written by the plain format, when link may run later.
        Optional<Function<DumpRequest, Path>> rollbackDumper = tools.pgUpgradeRollback() == PgUpgradeRollback.DUMP
                ? Optional.of(new PlainFormat(tools)::dump) : Optional.empty();
        return new InstallationDumper(new BackupDirectory(tools.backupDirectory(), tools.owner()), installation.get(),
                tools.runner(), mode, rollbackDumper).dump(request);
    }

    /**
     * Checks every file of the copy, the rollback dump it records, and runs the copied programs. A copy
     * that fails (altered on the volume, or programs that cannot run in this image) leaves rungs 1 and
     * 2 of the fallback ladder without their programs; when a verified pre-upgrade dump exists, rung 3
     * restores it instead of ending every start with the same error.
     */
    @Override
    public void verify(Path backup, BackupManifest manifest) {
        unusableCopy = null;
        probed = null;
        try {
            BackupVerifier.verifyDirectory(backup, manifest, 2);
            RollbackDump.of(backup).ifPresent(RollbackDump::verify);
            probe(backup, true);
        } catch (UpgradeException e) {
            if (verifiedRollbackDump(backup).isEmpty()) {
                throw e;
            }
            LOG.warn("the carried-over installation {} cannot be used: {}", backup, e.getMessage());
            unusableCopy = e.getMessage();
        }
    }

    /** The pre-upgrade dump the copy records, verified; empty when there is none or it does not verify either. */
    private static Optional<RollbackDump> verifiedRollbackDump(Path backup) {
        Optional<RollbackDump> dump = PgUpgradeFallback.recordedDump(backup);
        try {
            dump.ifPresent(RollbackDump::verify);
            return dump;
        } catch (UpgradeException e) {
            LOG.warn("the pre-upgrade dump cannot be used either: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The copy is probed once per attempt: verify runs it, restore reuses what it found (a few hundred
     * ms). Right after verify, its files are not hashed again: each was just checked against the
     * backup manifest.
     */
    private InstallationProbe probe(Path backup, boolean justVerified) {
        if (probed == null || !probed.getKey().equals(backup)) {
            probed = Map.entry(backup, justVerified
                    ? InstallationProbe.ofVerified(backup, tools.runner(), tools.owner())
                    : InstallationProbe.of(backup, tools.runner(), tools.owner()));
        }
        return probed.getValue();
    }

    /**
     * pg_upgrade failed after its checks and wrote into the target: the next rung needs a fresh one,
     * initialized as every attempt's target is (the server is stopped while this runs).
     */
    private void freshTarget(TemporaryServer server, BackupManifest manifest, String superuser) {
        PostgresInstallation newInstallation = installation.get();
        new RestoreTarget(server.dataDirectory(), newInstallation.major(), tools.owner()).recreate(
                new ClusterInitializer(newInstallation, tools.runner(), tools.owner()), manifest.cluster(), superuser,
                tools.superuserPassword().get());
    }

    @Override
    public void restore(Path backup, BackupManifest manifest, TemporaryServer server) {
        carriedStatistics = false;
        Path target = server.dataDirectory().path();
        Path oldData = oldDataDirectory(manifest, target);
        Path work = tools.backupDirectory().resolve(PgUpgradeRun.WORK_DIRECTORY);
        try {
            BackupFiles.deleteTree(work); // pg_upgrade's files of an interrupted attempt
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot clear " + work + ": " + e.getMessage(), e);
        }
        PgUpgradeLinkSteps link = new PgUpgradeLinkSteps(tools.backupDirectory(), oldData, backup,
                tools.pgUpgradeRollback());
        if (link.recoverInterruptedRun((dump, dumpManifest) -> {
            server.ensureRunning();
            new PlainFormat(tools).restore(dump, dumpManifest, server);
        })) {
            keepTheSuperuserPassword(server, server.superuser());
            return;
        }
        if (unusableCopy != null) {
            server.ensureRunning();
            new PgUpgradeFallback(tools).withoutTheCopy(unusableCopy, mode, backup, manifest, server);
            keepTheSuperuserPassword(server, server.superuser());
            return;
        }
        InstallationProbe old = probe(backup, false);
        Optional<String> rollback = link.rollback();
        new OldClusterShutdown(old, tools.runner(), tools.owner()).ensureCleanlyShutDown(oldData, work.resolve("recovery"));
        PgUpgradeRun run = new PgUpgradeRun(installation.get(), old, tools.runner(), tools.owner());
        String superuser = server.superuser();
        PgUpgradeFallback.Refusal[] refused = new PgUpgradeFallback.Refusal[1];
        // pg_upgrade needs the fresh target stopped; the engine's server comes back on it afterwards
        server.restartWith(Map.of(), () -> {
            // only auto and clone ask whether the file system clones: a check costs seconds
            boolean asksClone = mode == PgUpgradeMode.AUTO || mode == PgUpgradeMode.CLONE;
            ProcessResult cloneCheck = asksClone ? run.check(oldData, target, PgUpgradeMode.CLONE, work, superuser) : null;
            boolean cloneWorks = cloneCheck != null && cloneCheck.succeeded();
            if (mode == PgUpgradeMode.CLONE && !cloneWorks) {
                PgUpgradeRefusal why = PgUpgradeRefusal.of(cloneCheck);
                if (!why.aboutCloning()) {
                    // refused for the cluster, not the file system: the ladder goes on, as in any mode
                    refused[0] = new PgUpgradeFallback.Refusal(PgUpgradeMode.CLONE, why.reason(), false);
                    return;
                }
            }
            // in auto, a check refused for another reason leaves cloning unknown: copy or link runs and
            // meets the same refusal, which the ladder takes
            ModeChoice choice = ModeChoice.choose(mode, new ModeChoice.Facts(cloneWorks, free(target),
                    manifest.sourceClusterBytes(), rollback));
            LOG.info("pg_upgrade mode {}: {}", choice.mode(), choice.reason());
            record(manifest, target, choice);
            // No pg_upgrade --check first: the run checks the same and changes nothing when a check fails.
            ProcessResult result = link.upgrade(choice.mode(),
                    () -> run.attempt(oldData, target, choice.mode(), work, superuser, tools.jobs()));
            if (!result.succeeded()) {
                // read before the target is recreated: the reason may sit in a log inside it
                refused[0] = new PgUpgradeFallback.Refusal(choice.mode(), PgUpgradeRefusal.of(result).reason(),
                        PgUpgradeRun.changedTheTarget(result));
                if (refused[0].duringUpgrade()) {
                    freshTarget(server, manifest, superuser);
                }
                return; // the old cluster is as it was: the fallback ladder goes on once the server is back
            }
            // from 18, pg_upgrade carries the planner statistics over (extended statistics excepted)
            carriedStatistics = installation.get().major() >= 18;
            link.beforeFirstStart(); // the server comes back on the target when this returns
        });
        if (refused[0] != null) {
            new PgUpgradeFallback(tools).afterRefusal(refused[0], old, oldData, backup, manifest, server, work);
        }
        keepTheSuperuserPassword(server, superuser);
    }

    /**
     * pg_upgrade carries the old cluster's roles over, the bootstrap superuser's password included;
     * as after a dump's restore, the superuser keeps the password the state store holds for the new
     * cluster. The password never reaches the server: pgjdbc computes its SCRAM-SHA-256 verifier here
     * and sends that, and the session logs no statement, so not even the verifier lands in the server
     * log (a plain password in an {@code ALTER ROLE}, even built inside a {@code DO} block, appears in
     * the context of a server warning such as 18's "setting an MD5-encrypted password").
     */
    private void keepTheSuperuserPassword(TemporaryServer server, String superuser) {
        java.util.Optional<String> password = tools.superuserPassword().get();
        if (password.isEmpty()) {
            return;
        }
        char[] secret = password.get().toCharArray();
        try (java.sql.Connection c = server.connect("postgres"); java.sql.Statement quiet = c.createStatement()) {
            quiet.execute("SET log_statement = 'none'");
            quiet.execute("SET log_min_error_statement = 'panic'");
            quiet.execute("SET client_min_messages = 'error'");
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(superuser, secret, "scram-sha-256");
        } catch (java.sql.SQLException e) {
            // the SQL state only: pgjdbc's message may quote the statement
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot set the superuser's password on the upgraded"
                    + " cluster (SQL state " + e.getSQLState() + "). Run startup again.");
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    /** pg_upgrade runs on the stopped target: the engine's server starts afterwards, on the upgraded cluster. */
    @Override
    public boolean restoresOntoStoppedTarget() {
        return true;
    }

    @Override
    public boolean carriedStatistics() {
        return carriedStatistics;
    }

    @Override
    public void removeLeftovers(Path backupDirectory) {
        BackupDirectory.removePublished(backupDirectory, InstallationDumper.GLOB);
        try {
            BackupFiles.deleteTree(backupDirectory.resolve(PgUpgradeRun.WORK_DIRECTORY));
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", backupDirectory.resolve(PgUpgradeRun.WORK_DIRECTORY), e.getMessage());
        }
    }

    /** Rung 1 of the fallback ladder, recorded in the target: status tells later which mode ran and why. */
    private void record(BackupManifest manifest, Path target, ModeChoice choice) {
        MethodRecord r = new MethodRecord("pg-upgrade", 1, choice.mode().toString(), "pg_upgrade", choice.reason(),
                manifest.from(), manifest.to());
        LOG.info("upgrade method: {}", r.line());
        tools.listener().onEvent(com.cloudogu.upgrade.api.event.UpgradeEvent.of(
                com.cloudogu.upgrade.api.event.UpgradeEvent.Type.STEP, "upgrade-method", java.time.Duration.ZERO, r.line()));
        r.writeQuietlyTo(target);
    }

    /** Where the old cluster is now: as recorded, or moved aside when the new image uses the same path. */
    private static Path oldDataDirectory(BackupManifest manifest, Path target) {
        OldCluster old = manifest.oldCluster().orElseThrow(() -> new UpgradeException(ErrorCode.RESTORE_FAILED,
                "The manifest of the carried-over installation records no old cluster; pg_upgrade needs it."));
        return old.path().equals(target) ? new DataDirectory(target).asideLocation(old.major()) : old.path();
    }

    private static long free(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
