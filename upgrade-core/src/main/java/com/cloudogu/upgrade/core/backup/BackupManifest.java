package com.cloudogu.upgrade.core.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.server.ClusterSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What is known about a finished backup, written next to it as {@code <backup>.manifest}: its size
 * and SHA-256 (checked before any restore), where it came from, and the old cluster's initdb settings.
 *
 * @param size bytes of the backup file
 * @param sha256 hex SHA-256 of the backup file
 * @param from dogu version upgraded from
 * @param to dogu version upgraded to
 * @param sourceServerVersion {@code server_version_num} of the dumped server
 * @param dumpToolVersion version of {@code pg_dumpall} that wrote it, e.g. {@code 15.18}
 * @param cluster the old cluster's initdb settings
 */
public record BackupManifest(long size, String sha256, String from, String to, int sourceServerVersion,
                             String dumpToolVersion, ClusterSettings cluster) {

    /** @param backup the backup file @return the manifest's path */
    public static Path pathFor(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".manifest");
    }

    /** @param target where to write (the caller renames it into place) */
    public void write(Path target) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", "1");
        p.setProperty("size", Long.toString(size));
        p.setProperty("sha256", sha256);
        p.setProperty("from", from);
        p.setProperty("to", to);
        p.setProperty("sourceServerVersion", Integer.toString(sourceServerVersion));
        p.setProperty("dumpToolVersion", dumpToolVersion);
        cluster.writeTo(p);
        try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            p.store(w, "dogu-upgrade backup manifest");
        }
    }

    /** @param backup the backup file @return its manifest @throws UpgradeException if missing or unreadable */
    public static BackupManifest readFor(Path backup) {
        Path file = pathFor(backup);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return new BackupManifest(Long.parseLong(p.getProperty("size")), require(p, "sha256"),
                    require(p, "from"), require(p, "to"), Integer.parseInt(p.getProperty("sourceServerVersion", "0")),
                    p.getProperty("dumpToolVersion", ""), ClusterSettings.readFrom(p));
        } catch (IOException | RuntimeException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The manifest " + file + " of backup " + backup
                    + " is missing or unreadable (" + e.getMessage() + "); the backup cannot be verified. Nothing was"
                    + " changed. Re-run pre-upgrade on the old version to write a new backup.", e);
        }
    }

    private static String require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        return v;
    }
}
