package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What is known about a finished backup, written next to it as {@code <backup>.manifest}: its format,
 * size and SHA-256 (checked before any restore), where it came from, and the old cluster's initdb
 * settings. A backup of format {@value #FORMAT_PARALLEL} is a directory; its manifest lists every
 * file in it with size and SHA-256, and {@code sha256} is the digest of that list.
 *
 * @param size bytes of the backup file (all files of a directory backup)
 * @param sha256 hex SHA-256 of the backup file (of the file list of a directory backup)
 * @param from dogu version upgraded from
 * @param to dogu version upgraded to
 * @param sourceServerVersion {@code server_version_num} of the dumped server
 * @param dumpToolVersion version of {@code pg_dumpall} that wrote it, e.g. {@code 15.18}
 * @param cluster the old cluster's initdb settings
 * @param format {@value #FORMAT_PLAIN} (one {@code pg_dumpall} file) or {@value #FORMAT_PARALLEL}
 * @param files for a directory backup: every file, relative to the directory, sorted by path
 * @param sourceClusterBytes size of the dumped databases on the old server (progress estimates), 0 if unknown
 * @param oldCluster where the dumped cluster lives on the volume (manifests before 0.2 don't say)
 */
public record BackupManifest(long size, String sha256, String from, String to, int sourceServerVersion,
                             String dumpToolVersion, ClusterSettings cluster, String format, List<FileEntry> files,
                             long sourceClusterBytes, Optional<OldCluster> oldCluster) {

    /** Manifest format of a single {@code pg_dumpall} file (also what manifests without a format mean). */
    public static final String FORMAT_PLAIN = "1";
    /** Manifest format of a directory with globals and one {@code pg_dump} directory per database. */
    public static final String FORMAT_PARALLEL = "parallel-1";

    /** Validates; the file list is copied. */
    public BackupManifest {
        Objects.requireNonNull(format, "format");
        files = List.copyOf(files);
        Objects.requireNonNull(oldCluster, "oldCluster");
    }

    /** A plain {@code pg_dumpall} backup's manifest. */
    public BackupManifest(long size, String sha256, String from, String to, int sourceServerVersion,
                          String dumpToolVersion, ClusterSettings cluster) {
        this(size, sha256, from, to, sourceServerVersion, dumpToolVersion, cluster, FORMAT_PLAIN, List.of(), 0,
                Optional.empty());
    }

    /** @param old where the dumped cluster lives @return this manifest naming it */
    public BackupManifest withOldCluster(Optional<OldCluster> old) {
        return new BackupManifest(size, sha256, from, to, sourceServerVersion, dumpToolVersion, cluster, format, files,
                sourceClusterBytes, old);
    }

    /**
     * One file of a directory backup.
     *
     * @param path relative to the backup directory, {@code /}-separated
     * @param size bytes
     * @param sha256 hex SHA-256
     */
    public record FileEntry(String path, long size, String sha256) {
    }

    /** @param backup the backup file @return the manifest's path */
    public static Path pathFor(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".manifest");
    }

    /** @param target where to write (the caller renames it into place) */
    public void write(Path target) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", format);
        p.setProperty("size", Long.toString(size));
        p.setProperty("sha256", sha256);
        p.setProperty("from", from);
        p.setProperty("to", to);
        p.setProperty("sourceServerVersion", Integer.toString(sourceServerVersion));
        p.setProperty("dumpToolVersion", dumpToolVersion);
        if (sourceClusterBytes > 0) {
            p.setProperty("sourceClusterBytes", Long.toString(sourceClusterBytes));
        }
        cluster.writeTo(p);
        oldCluster.ifPresent(o -> o.writeTo(p));
        if (!files.isEmpty()) {
            p.setProperty("files", Integer.toString(files.size()));
            // One line per file, "size sha256 path", to keep even a manifest of many thousand files small.
            for (int i = 0; i < files.size(); i++) {
                FileEntry f = files.get(i);
                p.setProperty("file." + i, f.size() + " " + f.sha256() + " " + f.path());
            }
        }
        try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            p.store(w, "dogu-upgrade backup manifest");
        }
    }

    /**
     * @param backup the backup file
     * @return its manifest
     * @throws UpgradeException if the manifest is missing or unreadable, or a field is missing or garbled
     *     (the message names the manifest and the field)
     */
    public static BackupManifest readFor(Path backup) {
        Path file = pathFor(backup);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            int count = smallNumber(p, "files", 0);
            List<FileEntry> files = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String key = "file." + i;
                String[] f = require(p, key).split(" ", 3);
                if (f.length != 3) {
                    throw new IllegalArgumentException("field '" + key + "' is not 'size sha256 path'");
                }
                files.add(new FileEntry(f[2], parse(key, f[0]), f[1]));
            }
            return new BackupManifest(parse("size", require(p, "size")), require(p, "sha256"),
                    require(p, "from"), require(p, "to"), smallNumber(p, "sourceServerVersion", 0),
                    p.getProperty("dumpToolVersion", ""), ClusterSettings.readFrom(p),
                    p.getProperty("format", FORMAT_PLAIN), files,
                    number(p, "sourceClusterBytes", 0L), OldCluster.readFrom(p));
        } catch (IOException | RuntimeException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The manifest " + file + " of backup " + backup
                    + " is missing or unreadable (" + e.getMessage() + "); the backup cannot be verified. Nothing was"
                    + " changed. Re-run pre-upgrade on the old version to write a new backup.", e);
        }
    }

    private static String require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("field '" + key + "' is missing");
        }
        return v;
    }

    /** An optional numeric field: absent means {@code absent}. */
    private static long number(Properties p, String key, long absent) {
        String v = p.getProperty(key);
        return v == null ? absent : parse(key, v);
    }

    /** An optional {@code int} field (counts, server versions): absent means {@code absent}. */
    private static int smallNumber(Properties p, String key, int absent) {
        String v = p.getProperty(key);
        try {
            return v == null ? absent : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw notANumber(key, v, e);
        }
    }

    private static long parse(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw notANumber(key, value, e);
        }
    }

    private static IllegalArgumentException notANumber(String key, String value, NumberFormatException e) {
        return new IllegalArgumentException("field '" + key + "' is not a number: '" + value + "'", e);
    }
}
