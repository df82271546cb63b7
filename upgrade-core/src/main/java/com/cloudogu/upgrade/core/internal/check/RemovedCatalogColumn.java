package com.cloudogu.upgrade.core.internal.check;

import java.util.List;

/**
 * A column of a system view or catalog in {@code pg_catalog} that a newer major removed or renamed.
 * A user view that reads it is dumped as written and its {@code CREATE VIEW} fails in the new major
 * ("column ... does not exist"), so the restore stops there. The list is curated from the release
 * notes' migration sections; {@code RemovedCatalogColumnsTest} proves each entry against real
 * servers (present in the major before, gone in {@code removedIn}).
 *
 * @param relation the system view or catalog, e.g. {@code pg_stat_bgwriter}
 * @param column its column
 * @param removedIn the first major without it, as {@code 1700}
 * @param replacement where the information went, for the message
 */
public record RemovedCatalogColumn(String relation, String column, int removedIn, String replacement) {

    /** Every known entry. */
    public static final List<RemovedCatalogColumn> ALL = List.of(
            // PostgreSQL 12: WITH OIDS and the old source-text columns are gone
            new RemovedCatalogColumn("pg_class", "relhasoids", 1200, "nothing (tables no longer have OIDs)"),
            new RemovedCatalogColumn("pg_attrdef", "adsrc", 1200, "pg_get_expr(adbin, adrelid)"),
            new RemovedCatalogColumn("pg_constraint", "consrc", 1200, "pg_get_constraintdef(oid)"),
            // PostgreSQL 15
            new RemovedCatalogColumn("pg_database", "datlastsysoid", 1500, "nothing"),
            // PostgreSQL 17: checkpointer statistics moved out of pg_stat_bgwriter
            new RemovedCatalogColumn("pg_stat_bgwriter", "checkpoints_timed", 1700, "pg_stat_checkpointer.num_timed"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "checkpoints_req", 1700, "pg_stat_checkpointer.num_requested"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "checkpoint_write_time", 1700, "pg_stat_checkpointer.write_time"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "checkpoint_sync_time", 1700, "pg_stat_checkpointer.sync_time"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "buffers_checkpoint", 1700, "pg_stat_checkpointer.buffers_written"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "buffers_backend", 1700, "pg_stat_io"),
            new RemovedCatalogColumn("pg_stat_bgwriter", "buffers_backend_fsync", 1700, "pg_stat_io"),
            new RemovedCatalogColumn("pg_stat_progress_vacuum", "max_dead_tuples", 1700, "max_dead_tuple_bytes"),
            new RemovedCatalogColumn("pg_stat_progress_vacuum", "num_dead_tuples", 1700, "num_dead_item_ids"),
            new RemovedCatalogColumn("pg_database", "daticulocale", 1700, "datlocale"),
            new RemovedCatalogColumn("pg_collation", "colliculocale", 1700, "colllocale"),
            // PostgreSQL 18: WAL I/O statistics moved to pg_stat_io
            new RemovedCatalogColumn("pg_stat_wal", "wal_write", 1800, "pg_stat_io (object 'wal')"),
            new RemovedCatalogColumn("pg_stat_wal", "wal_sync", 1800, "pg_stat_io (object 'wal')"),
            new RemovedCatalogColumn("pg_stat_wal", "wal_write_time", 1800, "pg_stat_io (object 'wal')"),
            new RemovedCatalogColumn("pg_stat_wal", "wal_sync_time", 1800, "pg_stat_io (object 'wal')"),
            new RemovedCatalogColumn("pg_stat_io", "op_bytes", 1800, "the byte columns of pg_stat_io"));

    /**
     * @param fromMajor source major
     * @param toMajor target major
     * @return the entries removed after the source and at or before the target
     */
    public static List<RemovedCatalogColumn> between(int fromMajor, int toMajor) {
        return ALL.stream().filter(c -> c.removedIn > fromMajor && c.removedIn <= toMajor).toList();
    }
}
