package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.core.internal.backup.DatabaseLanes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Planner statistics for a restored cluster, before any client connects: {@code ANALYZE} of every
 * table, partitioned table and materialized view in every database, over as many connections at once
 * as the restore has jobs ({@link DatabaseLanes}: largest first, no new statement after a failure).
 * The work is cut by relation, not by database: a large table is analyzed on its own while the other
 * connections take the rest, small ones go a hundred to a statement, so one big database does not
 * leave the other connections idle.
 */
public final class StatisticsRefresh {

    /**
     * Tables, partitioned tables and materialized views not known to be empty with a column that has no
     * statistics, or an extended statistics object without data: the main cases of 18's {@code vacuumdb
     * --missing-stats-only} (which also looks at expression indexes and inheritance parents), quoted
     * for {@code ANALYZE}, with their size in pages.
     */
    static final String MISSING_STATISTICS = "SELECT format('%I.%I', n.nspname, c.relname), c.relpages FROM pg_class c"
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
    /**
     * What a plain {@code ANALYZE} in the database covers, quoted, with its size in pages: tables and
     * materialized views, catalogs included, and partitioned tables, whose {@code ANALYZE} covers their
     * partitions (so those are not listed again). Foreign tables are left out, as a plain
     * {@code ANALYZE} leaves them.
     */
    static final String RELATIONS = "SELECT format('%I.%I', n.nspname, c.relname),"
            + " CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pc.relpages), 0) FROM pg_partition_tree(c.oid) t"
            + " JOIN pg_class pc ON pc.oid = t.relid) ELSE c.relpages END"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't' AND NOT c.relispartition"
            + " ORDER BY 1";
    /** A relation of at least this many pages (10 MiB) gets a statement of its own. */
    static final long LARGE_PAGES = 1280;
    /** Smaller relations share a statement, this many at most. */
    static final int PER_STATEMENT = 100;

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
     * Analyzes every relation a plain {@code ANALYZE} would, in every connectable database.
     *
     * @return how many relations were analyzed
     * @throws UpgradeException {@link ErrorCode#MIGRATION_FAILED} naming the database whose {@code ANALYZE} failed
     */
    public int everything() {
        return analyze(RELATIONS);
    }

    /**
     * Analyzes only the relations without statistics, in every connectable database (after a
     * pg_upgrade that carried statistics over).
     *
     * @return how many relations were analyzed
     * @throws UpgradeException {@link ErrorCode#MIGRATION_FAILED} naming the database whose {@code ANALYZE} failed
     */
    public int missingOnly() {
        return analyze(MISSING_STATISTICS);
    }

    /** One {@code ANALYZE} statement: some relations of one database. */
    record Batch(String database, List<String> relations, long pages) {
        String sql() {
            return "ANALYZE " + String.join(", ", relations);
        }
    }

    private int analyze(String listQuery) {
        List<String> databases;
        try {
            databases = server.connectableDatabases();
        } catch (SQLException e) {
            throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Cannot list the databases to analyze: "
                    + e.getMessage(), e);
        }
        Map<String, List<Map.Entry<String, Long>>> relations = new ConcurrentHashMap<>();
        DatabaseLanes.run(databases, jobs, db -> 0L, db -> relations.put(db, list(db, listQuery)));
        List<Batch> statements = new ArrayList<>(); // one ANALYZE each
        for (String db : databases) {
            statements.addAll(batches(db, relations.get(db)));
        }
        DatabaseLanes.run(statements, jobs, Batch::pages, this::execute);
        return statements.stream().mapToInt(st -> st.relations().size()).sum();
    }

    private void execute(Batch batch) {
        try (Connection c = server.connect(batch.database()); java.sql.Statement s = c.createStatement()) {
            s.execute(batch.sql());
        } catch (SQLException e) {
            throw failed(batch.database(), e);
        }
    }

    private List<Map.Entry<String, Long>> list(String db, String query) {
        List<Map.Entry<String, Long>> rows = new ArrayList<>();
        try (Connection c = server.connect(db); java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.add(Map.entry(rs.getString(1), rs.getLong(2)));
            }
        } catch (SQLException e) {
            throw failed(db, e);
        }
        return rows;
    }

    /** @return a statement per large relation, the others a hundred at a time */
    static List<Batch> batches(String db, List<Map.Entry<String, Long>> relations) {
        List<Batch> out = new ArrayList<>();
        List<String> small = new ArrayList<>();
        long smallPages = 0;
        for (Map.Entry<String, Long> r : relations) {
            if (r.getValue() >= LARGE_PAGES) {
                out.add(new Batch(db, List.of(r.getKey()), r.getValue()));
                continue;
            }
            small.add(r.getKey());
            smallPages += Math.max(0, r.getValue());
            if (small.size() == PER_STATEMENT) {
                out.add(new Batch(db, List.copyOf(small), smallPages));
                small.clear();
                smallPages = 0;
            }
        }
        if (!small.isEmpty()) {
            out.add(new Batch(db, List.copyOf(small), smallPages));
        }
        return out;
    }

    private static UpgradeException failed(String db, SQLException e) {
        return new UpgradeException(ErrorCode.MIGRATION_FAILED, "ANALYZE in database \"" + db + "\" failed: "
                + e.getMessage(), e);
    }
}
