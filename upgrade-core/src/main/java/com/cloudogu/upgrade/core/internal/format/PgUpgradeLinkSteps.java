package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.PgUpgradeRollback;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal;
import com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journaled part of a pg_upgrade run ({@link LinkJournal}): what a rerun finds and undoes first,
 * the steps around pg_upgrade itself, and the point of no return of link mode right before the new
 * cluster's first start. Kept apart from {@link PgUpgradeFormat} so that the format reads as the
 * procedure and this class as its crash safety.
 */
final class PgUpgradeLinkSteps {

    private static final Logger LOG = LoggerFactory.getLogger(PgUpgradeLinkSteps.class);

    private final LinkJournal journal;
    private final Path installation;
    private final Path oldData;
    private final Optional<RollbackDump> rollbackDump;
    private final PgUpgradeRollback rollback;

    /**
     * @param backupDirectory where the journal lives
     * @param oldData the old cluster's data directory
     * @param installationCopy the carried-over installation, which records the rollback dump if there is one
     * @param rollback the rollback the operator asked for
     */
    PgUpgradeLinkSteps(Path backupDirectory, Path oldData, Path installationCopy, PgUpgradeRollback rollback) {
        this.journal = new LinkJournal(backupDirectory);
        this.installation = installationCopy;
        this.oldData = oldData;
        this.rollbackDump = RollbackDump.of(installationCopy);
        this.rollback = rollback;
    }

    /**
     * Undoes what an interrupted earlier attempt left, before anything else of this attempt runs: the
     * target is fresh already (every attempt starts from one).
     *
     * @param restoreDump restores a plain backup into the fresh target (the plain format's restore)
     * @return whether the attempt is done: the rollback dump was restored because the old cluster is
     *     past its point of no return; false when pg_upgrade runs (again)
     * @throws UpgradeException ({@code DU-RESTORE}) past the point of no return without a rollback dump
     */
    boolean recoverInterruptedRun(java.util.function.BiConsumer<Path, BackupManifest> restoreDump) {
        Optional<LinkJournal.Entry> entry = journal.readFor(installation);
        switch (LinkJournal.recovery(entry)) {
            case NONE -> {
                journal.clear();
                return false;
            }
            case RENAME_BACK -> {
                LOG.info("an earlier pg_upgrade --link was interrupted before the new cluster ever started; bringing"
                        + " the old cluster {} back and running pg_upgrade again", entry.get().oldData());
                LinkJournal.renameControlFileBack(entry.get().oldData());
                journal.clear();
                return false;
            }
            case RESTORE_DUMP -> {
                RollbackDump dump = rollbackDump.orElseThrow(() -> noWayBack(entry.get()));
                long t0 = System.nanoTime();
                LOG.info("the new cluster of an earlier pg_upgrade --link had started: the old cluster {} shares its"
                        + " files and is no longer valid; restoring the rollback dump {} instead", oldData, dump.file());
                BackupManifest manifest = dump.verify();
                restoreDump.accept(dump.file(), manifest);
                LOG.info("rollback dump {} restored in {} ms", dump.file(), (System.nanoTime() - t0) / 1_000_000);
                return true;
            }
            default -> throw noWayBack(entry.get());
        }
    }

    /**
     * @return link mode's rollback in words, if there is one: the verified rollback dump, or the volume
     *     snapshot the operator keeps ({@code --pg-upgrade-rollback none})
     */
    Optional<String> rollback() {
        if (rollbackDump.isPresent()) {
            rollbackDump.get().verify();
            return Optional.of("the pre-upgrade dump " + rollbackDump.get().file());
        }
        return rollback == PgUpgradeRollback.NONE
                ? Optional.of("the operator's volume snapshot (--pg-upgrade-rollback none; no dump was written)")
                : Optional.empty();
    }

    /**
     * Runs pg_upgrade between the journal's {@code started} and {@code linked}. When it fails, nothing
     * has started on the new cluster: link mode's renamed {@code pg_control} is renamed back and the
     * journal cleared, so that the old cluster is as it was for the next rung.
     *
     * @param mode the chosen mode
     * @param pgUpgrade runs pg_upgrade
     * @return pg_upgrade's result
     */
    ProcessResult upgrade(PgUpgradeMode mode, Supplier<ProcessResult> pgUpgrade) {
        LinkJournal.Entry started = new LinkJournal.Entry(installation, LinkJournal.Step.STARTED, mode, oldData,
                rollbackDump.map(RollbackDump::file));
        journal.record(started);
        if (mode == PgUpgradeMode.LINK) {
            Checkpoint.PG_UPGRADE_LINK_STARTED.reach();
        }
        ProcessResult result = pgUpgrade.get();
        if (!result.succeeded()) {
            // a kill before the journal is cleared finds "started" and renames back again: a no-op then
            if (mode == PgUpgradeMode.LINK) {
                LinkJournal.renameControlFileBack(oldData);
            }
            journal.clear();
            return result;
        }
        journal.record(started.at(LinkJournal.Step.LINKED));
        if (mode == PgUpgradeMode.LINK) {
            Checkpoint.PG_UPGRADE_LINKED.reach();
        }
        return result;
    }

    /**
     * Records the point of no return, fsync'd, right before the new cluster's first start. Only link
     * mode has one: clone and copy leave the old cluster valid.
     */
    void beforeFirstStart() {
        Optional<LinkJournal.Entry> entry = journal.readFor(installation);
        if (entry.isEmpty() || entry.get().mode() != PgUpgradeMode.LINK) {
            return;
        }
        journal.record(entry.get().at(LinkJournal.Step.FIRST_START));
        LOG.info("point of no return: the new cluster starts; from now on the old cluster {} is no rollback, {} is",
                oldData, entry.get().rollbackDump().map(d -> "the rollback dump " + d)
                        .orElse("only the operator's volume snapshot"));
        Checkpoint.PG_UPGRADE_FIRST_START.reach();
    }

    private UpgradeException noWayBack(LinkJournal.Entry entry) {
        return new UpgradeException(ErrorCode.RESTORE_FAILED, "The new cluster of an earlier pg_upgrade --link has"
                + " started, so the old data directory " + entry.oldData() + " is no longer valid (it shares its files"
                + " with the started cluster), and no rollback dump was written (--pg-upgrade-rollback none)."
                + " Restore the volume snapshot taken before the upgrade.");
    }
}
