package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.PgUpgradeRollback;
import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.backup.DumpRequest;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationDumper;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationProbe;
import com.cloudogu.upgrade.core.internal.pgupgrade.ModeChoice;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldClusterShutdown;
import com.cloudogu.upgrade.core.internal.pgupgrade.PgUpgradeRun;
import com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
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
    private static final String WORK = "pg-upgrade-work";

    private final FormatTools tools;
    private final Supplier<PostgresInstallation> installation;
    private final PgUpgradeMode mode;

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

    @Override
    public void verify(Path backup, BackupManifest manifest) {
        BackupVerifier.verifyDirectory(backup, manifest, 2);
        RollbackDump.of(backup).ifPresent(RollbackDump::verify);
        InstallationProbe.of(backup, tools.runner(), tools.owner());
    }

    @Override
    public void restore(Path backup, BackupManifest manifest, TemporaryServer server) {
        InstallationProbe old = InstallationProbe.of(backup, tools.runner(), tools.owner());
        Path target = server.dataDirectory().path();
        Path oldData = oldDataDirectory(manifest, target);
        Path work = tools.backupDirectory().resolve(WORK);
        try {
            BackupFiles.deleteTree(work); // pg_upgrade's files of an interrupted attempt
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot clear " + work + ": " + e.getMessage(), e);
        }
        PgUpgradeLinkSteps link = new PgUpgradeLinkSteps(tools.backupDirectory(), oldData, backup,
                tools.pgUpgradeRollback());
        if (link.recoverInterruptedRun((dump, dumpManifest) -> new PlainFormat(tools).restore(dump, dumpManifest, server))) {
            keepTheSuperuserPassword(server, server.superuser());
            return;
        }
        Optional<String> rollback = link.rollback();
        new OldClusterShutdown(old, tools.runner(), tools.owner()).ensureCleanlyShutDown(oldData, work.resolve("recovery"));
        PgUpgradeRun run = new PgUpgradeRun(installation.get(), old, tools.runner(), tools.owner());
        String superuser = server.superuser();
        // pg_upgrade needs the fresh target stopped; the engine's server comes back on it afterwards
        server.restartWith(Map.of(), () -> {
            boolean cloneWorks = run.check(oldData, target, PgUpgradeMode.CLONE, work, superuser).succeeded();
            ModeChoice choice = ModeChoice.choose(mode, new ModeChoice.Facts(cloneWorks, free(target),
                    manifest.sourceClusterBytes(), rollback));
            LOG.info("pg_upgrade mode {}: {}", choice.mode(), choice.reason());
            if (choice.mode() != PgUpgradeMode.CLONE) {
                ProcessResult check = run.check(oldData, target, choice.mode(), work, superuser);
                if (!check.succeeded()) {
                    throw new UpgradeException(ErrorCode.RESTORE_FAILED, "pg_upgrade --check refused the upgrade from "
                            + oldData + ": " + PgUpgradeRun.reason(check) + ". Nothing was changed in the old cluster.");
                }
            }
            link.upgrade(choice.mode(), () -> run.upgrade(oldData, target, choice.mode(), work, superuser, tools.jobs()));
            link.beforeFirstStart(); // the server comes back on the target when this returns
        });
        keepTheSuperuserPassword(server, superuser);
    }

    /**
     * pg_upgrade carries the old cluster's roles over, the bootstrap superuser's password included;
     * as after a dump's restore, the superuser keeps the password the state store holds for the new
     * cluster. The password travels as a bound parameter, never in the statement's text.
     */
    private void keepTheSuperuserPassword(TemporaryServer server, String superuser) {
        java.util.Optional<String> password = tools.superuserPassword().get();
        if (password.isEmpty()) {
            return;
        }
        try (java.sql.Connection c = server.connect("postgres");
             java.sql.PreparedStatement set = c.prepareStatement("SELECT set_config('dogu_upgrade.pw', ?, false)");
             java.sql.Statement alter = c.createStatement()) {
            set.setString(1, password.get());
            set.execute();
            alter.execute("DO $$BEGIN EXECUTE format('ALTER ROLE %I PASSWORD %L', current_user,"
                    + " current_setting('dogu_upgrade.pw')); END$$");
            alter.execute("RESET dogu_upgrade.pw");
        } catch (java.sql.SQLException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot set the superuser's password on the upgraded"
                    + " cluster: " + e.getSQLState() + ". Run startup again.", e);
        }
    }

    @Override
    public void removeLeftovers(Path backupDirectory) {
        BackupDirectory.removePublished(backupDirectory, InstallationDumper.GLOB);
        try {
            BackupFiles.deleteTree(backupDirectory.resolve(WORK));
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", backupDirectory.resolve(WORK), e.getMessage());
        }
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
