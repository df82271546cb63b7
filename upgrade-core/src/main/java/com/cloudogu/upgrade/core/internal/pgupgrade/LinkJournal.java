package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.io.Durable;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one pg_upgrade run, {@value #FILE} in the backup directory (outside pg_upgrade's
 * working directory, which every attempt deletes): which step was reached, written atomically and
 * fsync'd before the step's effect can exist. It tells a rerun and {@code abort} which side of link
 * mode's point of no return they are on: up to {@link Step#LINKED} the old cluster comes back by
 * renaming {@code global/pg_control.old}; from {@link Step#FIRST_START} on it shares its files with a
 * started cluster and must never be renamed back.
 */
public final class LinkJournal {

    private static final Logger LOG = LoggerFactory.getLogger(LinkJournal.class);
    /** The journal's file name in the backup directory. */
    public static final String FILE = "pg-upgrade.journal";

    /** The steps, in the order they are reached. */
    public enum Step {
        /** pg_upgrade is about to run (in the recorded mode). */
        STARTED,
        /** pg_upgrade finished; the new cluster has never started outside pg_upgrade. */
        LINKED,
        /** The new cluster is about to start for the first time: the point of no return of link mode. */
        FIRST_START
    }

    /**
     * One journal state.
     *
     * @param installation the carried-over installation the run belongs to (the recorded backup)
     * @param step the step reached
     * @param mode the mode pg_upgrade runs in
     * @param oldData the old cluster's data directory
     * @param rollbackDump the plain backup that is link mode's rollback, if pre-upgrade wrote one
     */
    public record Entry(Path installation, Step step, PgUpgradeMode mode, Path oldData, Optional<Path> rollbackDump) {

        /** @param next the step reached now @return this entry at that step */
        public Entry at(Step next) {
            return new Entry(installation, next, mode, oldData, rollbackDump);
        }
    }

    /** What a rerun (or {@code abort}) does before anything else, decided by {@link #recovery}. */
    public enum Recovery {
        /** Nothing to undo: no link-mode run was journaled, the old cluster is as pre-upgrade left it. */
        NONE,
        /** Link mode before the first start: rename {@code pg_control.old} back, discard the target. */
        RENAME_BACK,
        /** Past the point of no return with a rollback dump: restore it into a fresh target. */
        RESTORE_DUMP,
        /** Past the point of no return without a dump: only the operator's volume snapshot goes back. */
        NO_WAY_BACK
    }

    private final Path file;

    /** @param backupDirectory where the journal lives */
    public LinkJournal(Path backupDirectory) {
        this.file = backupDirectory.resolve(FILE);
    }

    /**
     * @param entry what the journal says
     * @return what must happen before pg_upgrade may run again (or {@code abort} may bring the old cluster back)
     */
    public static Recovery recovery(Optional<Entry> entry) {
        if (entry.isEmpty() || entry.get().mode() != PgUpgradeMode.LINK) {
            return Recovery.NONE; // clone and copy leave the old cluster valid at every step
        }
        if (entry.get().step() != Step.FIRST_START) {
            return Recovery.RENAME_BACK;
        }
        return entry.get().rollbackDump().isPresent() ? Recovery.RESTORE_DUMP : Recovery.NO_WAY_BACK;
    }

    /** @return the journal's path */
    public Path path() {
        return file;
    }

    /**
     * @param installation the carried-over installation of the upgrade in progress
     * @return what the journal records about its run; a journal of another upgrade (one completed with
     *     {@code --keep-backup}, say) says nothing about this one
     */
    public Optional<Entry> readFor(Path installation) {
        Optional<Entry> entry = read();
        if (entry.isPresent() && !entry.get().installation().equals(installation)) {
            LOG.info("ignoring the pg_upgrade journal {}: it belongs to {}, not to {}", file, entry.get().installation(),
                    installation);
            return Optional.empty();
        }
        return entry;
    }

    /** @return what the journal records, if anything */
    public Optional<Entry> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new Entry(Path.of(p.getProperty("installation")), Step.valueOf(p.getProperty("step")), PgUpgradeMode.parse(p.getProperty("mode")),
                    Path.of(p.getProperty("oldData")),
                    Optional.ofNullable(p.getProperty("rollbackDump")).filter(s -> !s.isBlank()).map(Path::of)));
        } catch (IOException | RuntimeException e) {
            // Written by rename only, so it is never half-written; unreadable means tampered with: stop.
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The pg_upgrade journal " + file + " cannot be read ("
                    + e.getMessage() + "). It decides whether the old cluster may come back; check it by hand.", e);
        }
    }

    /**
     * Records a step: temporary file, fsync, rename, fsync of the directory, so the step is on disk
     * before what it announces happens.
     *
     * @param entry the step reached
     */
    public void record(Entry entry) {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.setProperty("installation", entry.installation().toString());
        p.setProperty("step", entry.step().name());
        p.setProperty("mode", entry.mode().toString());
        p.setProperty("oldData", entry.oldData().toString());
        entry.rollbackDump().ifPresent(d -> p.setProperty("rollbackDump", d.toString()));
        Path tmp = file.resolveSibling(FILE + ".partial");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "dogu-upgrade: pg_upgrade journal");
            }
            Durable.syncFile(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot write the pg_upgrade journal " + file + ": "
                    + e.getMessage() + ". Nothing after this step ran; fix it and run startup again.", e);
        }
        LOG.info("pg_upgrade journal: {} ({}) in {} ms", entry.step().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                entry.mode(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Removes the journal: a new upgrade starts, or an abort took the run back. */
    public void clear() {
        try {
            Files.deleteIfExists(file.resolveSibling(FILE + ".partial"));
            if (Files.deleteIfExists(file)) {
                Durable.syncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot remove the pg_upgrade journal " + file + ": "
                    + e.getMessage() + ". Remove it by hand.", e);
        }
    }

    /**
     * Brings a link-mode old cluster back before its new cluster ever started: pg_upgrade renamed
     * {@code global/pg_control} to {@code pg_control.old} so the old server would not start on files
     * it now shares; linking only added names to the same files, so renaming back restores it.
     *
     * @param oldData the old cluster's data directory
     * @return whether a rename was needed
     */
    public static boolean renameControlFileBack(Path oldData) {
        Path old = oldData.resolve("global").resolve("pg_control.old");
        Path control = oldData.resolve("global").resolve("pg_control");
        if (!Files.isRegularFile(old)) {
            return false;
        }
        try {
            if (Files.exists(control)) {
                // Both names: pg_upgrade was killed mid-rename or someone copied; the .old one is the original.
                LOG.warn("{} and {} both exist; keeping {}", control, old, old);
            }
            Files.move(old, control, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(control.getParent());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot rename " + old + " back to " + control + ": "
                    + e.getMessage() + ". Rename it by hand to bring the old cluster back.", e);
        }
        LOG.info("old cluster {} recovered: global/pg_control.old renamed back", oldData);
        return true;
    }
}
