package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.core.internal.backup.DatabaseLanes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Planner statistics for a restored cluster, before any client connects: {@code ANALYZE} in every
 * database, over as many connections at once as the restore has jobs, largest database first. A
 * cluster with many databases waits for the slowest lane instead of their sum; one database still
 * runs on one connection, as {@code ANALYZE} does not split a table.
 */
public final class StatisticsRefresh {

    /**
     * Tables, partitioned tables and materialized views not known to be empty with a column that has no
     * statistics, or an extended statistics object without data: the main cases of 18's {@code vacuumdb
     * --missing-stats-only} (which also looks at expression indexes and inheritance parents), quoted
     * for {@code ANALYZE}.
     */
    static final String MISSING_STATISTICS = "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " CROSS JOIN LATERAL (SELECT c.relkind = 'p' AS inherited) p"
            + " WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't' AND n.nspname !~ '^pg_toast'"
            // reltuples 0: analyzed and empty, so no statistics to have (-1 is "never analyzed")
            + " AND c.reltuples <> 0"
            + " AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            + " AND NOT a.attisdropped AND a.attstattarget IS DISTINCT FROM 0 AND a.attgenerated <> 'v'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = a.attrelid"
            + " AND s.staattnum = a.attnum AND s.stainherit = p.inherited))"
            + " OR EXISTS (SELECT 1 FROM pg_statistic_ext e WHERE e.stxrelid = c.oid"
            + " AND e.stxstattarget IS DISTINCT FROM 0"
            + " AND NOT EXISTS (SELECT 1 FROM pg_statistic_ext_data d WHERE d.stxoid = e.oid"
            + " AND d.stxdinherit = p.inherited)))"
            + " ORDER BY 1";
    private static final String SIZES = "SELECT datname, pg_database_size(oid) FROM pg_database WHERE datallowconn";

    private final DatabaseServer server;
    private final int jobs;

    /**
     * @param server the server on the restored cluster, running with its own settings
     * @param jobs connections at once (at least 1)
     */
    public StatisticsRefresh(DatabaseServer server, int jobs) {
        this.server = server;
        this.jobs = Math.max(1, jobs);
    }

    /**
     * Analyzes every connectable database.
     *
     * @throws UpgradeException {@link ErrorCode#MIGRATION_FAILED} naming the database whose {@code ANALYZE} failed
     */
    public void everything() {
        forEachDatabase(s -> {
            s.execute("ANALYZE");
            return 0;
        });
    }

    /**
     * Analyzes only the relations without statistics, in every connectable database (after a
     * pg_upgrade that carried statistics over).
     *
     * @return how many relations were analyzed
     * @throws UpgradeException {@link ErrorCode#MIGRATION_FAILED} naming the database whose {@code ANALYZE} failed
     */
    public int missingOnly() {
        return forEachDatabase(s -> {
            List<String> missing = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(MISSING_STATISTICS)) {
                while (rs.next()) {
                    missing.add(rs.getString(1));
                }
            }
            for (String relation : missing) {
                s.execute("ANALYZE " + relation);
            }
            return missing.size();
        });
    }

    private interface DatabaseWork {
        int run(Statement statement) throws SQLException;
    }

    private int forEachDatabase(DatabaseWork work) {
        List<String> databases;
        Map<String, Long> sizes;
        try {
            databases = server.connectableDatabases();
            sizes = databases.size() > jobs ? sizes() : Map.of(); // all at once: the order changes nothing
        } catch (SQLException e) {
            throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Cannot list the databases to analyze: "
                    + e.getMessage(), e);
        }
        AtomicInteger count = new AtomicInteger();
        DatabaseLanes.run(databases, jobs, db -> sizes.getOrDefault(db, 0L), db -> {
            try (Connection c = server.connect(db); Statement s = c.createStatement()) {
                count.addAndGet(work.run(s));
            } catch (SQLException e) {
                throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "ANALYZE in database \"" + db + "\" failed: "
                        + e.getMessage(), e);
            }
        });
        return count.get();
    }

    /** Bytes per database, for the order: the largest starts first. */
    private Map<String, Long> sizes() throws SQLException {
        Map<String, Long> sizes = new HashMap<>();
        try (Connection c = server.connect("template1"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SIZES)) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sizes;
    }
}
