package com.cloudogu.upgrade.cli.bench;

import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * The benchmark's dataset: a {@code pgbench} database of the chosen scale, a database with many small
 * tables (each with a primary key, an index and a few rows — the case where per-object overhead, not
 * bytes, dominates), and five more databases: the testkit's sample data (two databases with roles,
 * passwords, extensions, partitions, a large object) and three application databases.
 */
final class BenchDataset {

    static final String PGBENCH_DATABASE = "pgbench";
    static final String MANY_TABLES_DATABASE = "many_tables";
    static final List<String> APP_DATABASES = List.of("app_a", "app_b", "app_c");
    private static final int TABLES_PER_TRANSACTION = 250;

    private BenchDataset() {
    }

    static void load(PostgresServer server, BenchOptions o, int scale, Path log) throws Exception {
        server.execute("postgres", "CREATE DATABASE " + PGBENCH_DATABASE);
        BenchProcess.run(ClientTools.locate().command("pgbench", "-i", "-s", Integer.toString(scale), "-q",
                "-h", "127.0.0.1", "-p", Integer.toString(server.port()), "-U", server.superuser(), PGBENCH_DATABASE),
                null, null, log).ok();
        server.execute("postgres", "CREATE DATABASE " + MANY_TABLES_DATABASE);
        try (Connection c = server.connect(MANY_TABLES_DATABASE); Statement s = c.createStatement()) {
            for (int first = 1; first <= o.tables(); first += TABLES_PER_TRANSACTION) {
                int last = Math.min(o.tables(), first + TABLES_PER_TRANSACTION - 1);
                s.execute("DO $$ BEGIN FOR i IN " + first + ".." + last + " LOOP"
                        + " EXECUTE format('CREATE TABLE t_%s (id integer PRIMARY KEY, label text NOT NULL,"
                        + " amount numeric(12,2), created timestamptz NOT NULL DEFAULT now())', i);"
                        + " EXECUTE format('CREATE INDEX ON t_%s (label)', i);"
                        + " EXECUTE format('INSERT INTO t_%s (id, label, amount) SELECT g, ''row '' || g,"
                        + " g * 1.5 FROM generate_series(1, 20) g', i);"
                        + " END LOOP; END $$");
            }
        }
        SampleData.load(server);
        for (String db : APP_DATABASES) {
            server.execute("postgres", "CREATE DATABASE " + db + " OWNER " + SampleData.APP_OWNER);
            server.execute(db, "SET ROLE " + SampleData.APP_OWNER + ";"
                    + " CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload jsonb NOT NULL,"
                    + " at timestamptz NOT NULL);"
                    + " INSERT INTO events SELECT g, 'kind-' || (g % 17), jsonb_build_object('n', g, 'tag', md5(g::text)),"
                    + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 100000) g;"
                    + " CREATE INDEX ON events (kind, at);"
                    + " CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL UNIQUE);"
                    + " INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 5000) g;"
                    + " RESET ROLE");
        }
        server.execute("postgres", "CHECKPOINT");
    }
}
