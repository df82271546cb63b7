package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.internal.io.Durable;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which method carried the cluster over the major — and for pg-upgrade which rung of the fallback
 * ladder and which mode, and why — kept in the new cluster's data directory as {@value #FILE}. It
 * lives and dies with the cluster it describes: a discarded restore target takes its record along,
 * a promoted cluster keeps it, so {@code status} can say after the fact what happened. Written to a
 * temporary name, fsynced and renamed, so a crash leaves the old record or the new one.
 *
 * @param method {@code dump} or {@code pg-upgrade}
 * @param rung the pg-upgrade ladder's rung (1 pg_upgrade, 2 dump from the old server here, 3 the
 *     pre-upgrade dump); 0 for the dump method
 * @param mode the pg_upgrade mode chosen (empty for the dump method); for rungs 2 and 3 the mode
 *     pg_upgrade was checked in
 * @param detail the dump method's backup format, or the rung's description
 * @param reason why this method, rung and mode
 * @param from dogu version upgraded from
 * @param to dogu version upgraded to
 */
public record MethodRecord(String method, int rung, String mode, String detail, String reason, String from,
                           String to) {

    private static final Logger LOG = LoggerFactory.getLogger(MethodRecord.class);
    /** The record's file name in the data directory. */
    public static final String FILE = "dogu-upgrade-method.properties";

    /**
     * @param manifest the backup being restored
     * @return what restoring it means, before its format says more
     */
    public static MethodRecord forBackup(BackupManifest manifest) {
        return switch (manifest.format()) {
            case BackupManifest.FORMAT_PLAIN -> new MethodRecord("dump", 0, "", "plain backup (pg_dumpall, psql)",
                    "pre-upgrade wrote a plain backup", manifest.from(), manifest.to());
            case BackupManifest.FORMAT_PARALLEL -> new MethodRecord("dump", 0, "", "parallel backup (pg_dump -Fd,"
                    + " pg_restore -j)", "pre-upgrade wrote a parallel backup", manifest.from(), manifest.to());
            default -> new MethodRecord("pg-upgrade", 0, "", "pg_upgrade with the carried-over old installation",
                    "pre-upgrade carried the old installation over the volume", manifest.from(), manifest.to());
        };
    }

    /** @return one line for the log, an event and {@code status} */
    public String line() {
        StringBuilder s = new StringBuilder(method);
        if (rung > 0) {
            s.append(", rung ").append(rung);
        }
        s.append(" (").append(detail);
        if (!mode.isEmpty()) {
            s.append(rung > 1 ? ", pg_upgrade checked in mode " : ", mode ").append(mode);
        }
        return s.append("): ").append(reason).toString();
    }

    /**
     * @param dataDirectory the new cluster (or restore target); the record's file gets its owner
     * @throws IOException if it cannot be written
     */
    public void writeTo(Path dataDirectory) throws IOException {
        Properties p = new Properties();
        p.setProperty("method", method);
        p.setProperty("rung", Integer.toString(rung));
        p.setProperty("mode", mode);
        p.setProperty("detail", detail);
        p.setProperty("reason", reason);
        p.setProperty("from", from);
        p.setProperty("to", to);
        Path file = dataDirectory.resolve(FILE);
        Path partial = dataDirectory.resolve(FILE + ".partial");
        try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            p.store(w, "dogu-upgrade: how this cluster crossed the major");
        }
        Files.setOwner(partial, Files.getOwner(dataDirectory));
        Durable.syncFile(partial);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDirectory(dataDirectory);
    }

    /**
     * Writes the record; a failure costs only the record, never the upgrade.
     *
     * @param dataDirectory the new cluster (or restore target)
     */
    public void writeQuietlyTo(Path dataDirectory) {
        try {
            writeTo(dataDirectory);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not record the upgrade method in {}: {}", dataDirectory.resolve(FILE), e.getMessage());
        }
    }

    /**
     * @param dataDirectory a cluster
     * @return its record, if it has a readable one
     */
    public static Optional<MethodRecord> readFrom(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new MethodRecord(p.getProperty("method", ""), Integer.parseInt(p.getProperty("rung", "0")),
                    p.getProperty("mode", ""), p.getProperty("detail", ""), p.getProperty("reason", ""),
                    p.getProperty("from", ""), p.getProperty("to", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
