package com.cloudogu.upgrade.core.internal.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The entries a PostgreSQL data directory consists of, by exact name, for every major from 9.6 to 18.
 * In the legacy layout the old cluster shares the volume root with {@code backup/}, the new major's
 * directory and whatever else an operator put there: only these names are ever moved or removed.
 */
public final class ClusterEntries {

    /** Written first when a cluster is created and read to recognize one: moved last, removed first. */
    public static final String PG_VERSION = "PG_VERSION";

    private static final Set<String> NAMES = Set.of(PG_VERSION, "base", "global", "pg_commit_ts", "pg_dynshmem",
            "pg_logical", "pg_multixact", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots", "pg_stat",
            "pg_stat_tmp", "pg_subtrans", "pg_tblspc", "pg_twophase", "pg_wal", "pg_xact",
            // 9.6 names of pg_xact and pg_wal, and the default log directories of 9.6 and 10+
            "pg_clog", "pg_xlog", "pg_log", "log",
            "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf", "postmaster.opts",
            "postmaster.pid", "current_logfiles", "backup_label", "backup_label.old", "tablespace_map",
            "tablespace_map.old", "backup_manifest", "standby.signal", "recovery.signal", "recovery.conf",
            "recovery.done", "dogu-upgrade-restore-target",
            // how the cluster crossed its last major (backup.MethodRecord), and its temporary name
            "dogu-upgrade-method.properties", "dogu-upgrade-method.properties.partial");

    private ClusterEntries() {
    }

    /** @param name a directory entry's name @return whether it belongs to a PostgreSQL data directory */
    public static boolean isClusterEntry(String name) {
        return NAMES.contains(name);
    }

    /**
     * @param dir a data directory
     * @return its entries that belong to the cluster, {@code PG_VERSION} first (missing dir: none)
     */
    public static List<Path> of(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p : list(dir)) {
            if (isClusterEntry(p.getFileName().toString())) {
                out.add(p);
            }
        }
        out.sort((a, b) -> a.getFileName().toString().equals(PG_VERSION) ? -1
                : b.getFileName().toString().equals(PG_VERSION) ? 1 : a.compareTo(b));
        return out;
    }

    /**
     * @param dir a directory that held a cluster among other things
     * @param known entries that are accounted for (backup directory, the new major's directory)
     * @return the entries that are neither the cluster's nor known
     */
    public static List<Path> unattributed(Path dir, Collection<Path> known) {
        List<Path> out = new ArrayList<>();
        for (Path p : list(dir)) {
            if (!isClusterEntry(p.getFileName().toString()) && known.stream().noneMatch(k -> k.startsWith(p))) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
