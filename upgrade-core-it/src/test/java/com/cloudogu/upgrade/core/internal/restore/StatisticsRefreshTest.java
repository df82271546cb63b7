package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statistics on a real 17 server, over two connections at once: every table of every database has
 * statistics afterwards; a database whose {@code ANALYZE} fails is named and no later one starts.
 */
class StatisticsRefreshTest {

    private static final List<String> DATABASES = List.of("app_a", "app_b", "app_c", "app_d");
    private static PostgresServer server;

    @BeforeAll
    static void server() throws Exception {
        server = PostgresServer.builder(PostgresVersions.V17).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static void freshDatabases() throws Exception {
        for (String db : DATABASES) {
            server.execute("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            server.execute("postgres", "CREATE DATABASE " + db);
            server.execute(db, "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, "
                    + (DATABASES.indexOf(db) + 1) * 5000 + ") g");
        }
    }

    private static String analyzedTables(String db) throws Exception {
        return server.queryValue(db, "SELECT count(DISTINCT attname) FROM pg_stats WHERE tablename = 't'");
    }

    @Test
    void everyDatabaseIsAnalyzedOverSeveralConnections() throws Exception {
        freshDatabases();
        // what a plain ANALYZE covers besides tables: a partitioned table (with its partitions), a
        // materialized view, and a table large enough for a statement of its own
        server.execute("app_b", "CREATE TABLE p (id int, v text) PARTITION BY RANGE (id);"
                + " CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (1000);"
                + " CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (1000) TO (2000);"
                + " INSERT INTO p SELECT g, md5(g::text) FROM generate_series(0, 1999) g;"
                + " CREATE MATERIALIZED VIEW mv AS SELECT id % 10 AS k, count(*) AS n FROM p GROUP BY 1;"
                + " CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 4) AS v FROM generate_series(1, 100000) g");
        server.execute("app_b", "VACUUM big"); // relpages, as a restored or upgraded cluster has them
        assertThat(Long.parseLong(server.queryValue("app_b", "SELECT relpages FROM pg_class WHERE relname = 'big'")))
                .as("a statement of its own").isGreaterThanOrEqualTo(StatisticsRefresh.LARGE_PAGES);
        for (String db : DATABASES) {
            assertThat(analyzedTables(db)).as(db + " before").isEqualTo("0");
        }

        int analyzed = new StatisticsRefresh(server, 2).everything();

        for (String db : DATABASES) {
            assertThat(analyzedTables(db)).as(db + ": both columns have statistics").isEqualTo("2");
        }
        assertThat(server.queryColumn("app_b", "SELECT DISTINCT tablename || (CASE WHEN inherited THEN ' (tree)'"
                + " ELSE '' END) FROM pg_stats WHERE tablename IN ('p', 'p1', 'p2', 'mv', 'big') ORDER BY 1"))
                .containsExactly("big", "mv", "p (tree)", "p1", "p2");
        assertThat(server.queryValue("postgres", "SELECT count(*) FROM pg_stats WHERE schemaname = 'pg_catalog'"))
                .as("catalogs, as a plain ANALYZE").isNotEqualTo("0");
        assertThat(analyzed).as("partitions are covered by their parent, not listed again")
                .isEqualTo(countOf(StatisticsRefresh.RELATIONS));
    }

    private static int countOf(String query) throws Exception {
        int n = 0;
        for (String db : server.connectableDatabases()) {
            n += server.queryColumn(db, query).size();
        }
        return n;
    }

    @Test
    void largeRelationsGetAStatementOfTheirOwnAndSmallOnesShareOneAHundredAtATime() {
        java.util.List<java.util.Map.Entry<String, Long>> relations = new ArrayList<>();
        relations.add(java.util.Map.entry("public.big", StatisticsRefresh.LARGE_PAGES));
        for (int i = 0; i < 150; i++) {
            relations.add(java.util.Map.entry("public.t" + i, 2L));
        }

        java.util.List<StatisticsRefresh.Batch> batches = StatisticsRefresh.batches("db", relations);

        assertThat(batches).extracting(b -> b.relations().size()).containsExactly(1, 100, 50);
        assertThat(batches.get(0).sql()).isEqualTo("ANALYZE public.big");
        assertThat(batches).extracting(StatisticsRefresh.Batch::pages)
                .containsExactly(StatisticsRefresh.LARGE_PAGES, 200L, 100L);
    }

    @Test
    void onlyRelationsWithoutStatisticsAreAnalyzedWhenTheyWereCarriedOver() throws Exception {
        freshDatabases();
        for (String db : server.connectableDatabases()) {
            server.execute(db, "ANALYZE"); // as if carried over: every relation has statistics
        }
        server.execute("app_c", "CREATE TABLE u AS SELECT g AS id FROM generate_series(1, 100) g");
        server.execute("app_d", "CREATE TABLE u AS SELECT g AS id FROM generate_series(1, 100) g");

        List<String> missing = new ArrayList<>();
        for (String db : server.connectableDatabases()) {
            server.queryColumn(db, StatisticsRefresh.MISSING_STATISTICS).forEach(r -> missing.add(db + ":" + r));
        }
        assertThat(missing).contains("app_c:public.u", "app_d:public.u");

        int analyzed = new StatisticsRefresh(server, 2).missingOnly();

        assertThat(analyzed).isEqualTo(missing.size());
        for (String db : List.of("app_c", "app_d")) {
            assertThat(server.queryValue(db, "SELECT count(*) FROM pg_stats WHERE tablename = 'u'")).as(db)
                    .isEqualTo("1");
        }
        // what stays "missing" has no statistics ANALYZE could write (pg_statistic's anyarray columns)
        assertThat(new StatisticsRefresh(server, 2).missingOnly()).isEqualTo(missing.size() - 2);
    }

    @Test
    void aFailingAnalyzeNamesItsDatabase() throws Exception {
        freshDatabases();
        // an expression index whose function fails once a flag is set: ANALYZE evaluates it, and fails
        server.execute("app_c", "CREATE TABLE flag (on_ boolean); INSERT INTO flag VALUES (false);"
                + " CREATE FUNCTION boom(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN"
                + " IF (SELECT on_ FROM public.flag) THEN RAISE EXCEPTION 'boom'; END IF; RETURN $1; END$$;"
                + " CREATE INDEX t_boom ON t ((boom(id))); UPDATE flag SET on_ = true");

        UpgradeException e = catchThrowableOfType(() -> new StatisticsRefresh(server, 2).everything(),
                UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_FAILED);
        assertThat(e.getMessage()).startsWith("ANALYZE in database \"app_c\" failed: ").contains("boom");
    }
}
