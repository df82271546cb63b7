package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.CatalogSnapshot;
import com.cloudogu.upgrade.testkit.ExpectedDifferences;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.RealisticSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realistic schema (inheritance, partitions, rules, triggers, policies, text search, domains,
 * privileges, large objects ... in two databases) upgraded through the real CLI jar, then compared
 * object by object: every difference between the catalogs before and after must belong to one of
 * the documented classes of {@code docs/EXPECTED-DIFFERENCES.md}; none may be left unexplained.
 */
class RealisticSchemaUpgradeIT {

    private static final Logger LOG = LoggerFactory.getLogger(RealisticSchemaUpgradeIT.class);
    private static final String PASSWORD = "realistic-superuser-secret";

    @ParameterizedTest(name = "PostgreSQL {0} -> {2}, {4} layout, {5} backup")
    @CsvSource({
            "12.22.0, 12.22-1, 17.6.0, 17.6-0, LEGACY, plain",
            "14.19.0, 14.19-1, 18.0.0, 18.0-0, PER_MAJOR, plain",
            "14.19.0, 14.19-1, 17.6.0, 17.6-0, PER_MAJOR, parallel"})
    void everyObjectSurvivesOrDiffersOnlyAsDocumented(String oldServer, String from, String newServer, String to,
                                                     EmbeddedDogu.Layout layout, String strategy, @TempDir Path root)
            throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            PostgresServer old = dogu.startServer(oldServer);
            RealisticSchema.load(old);
            // The dogu's superuser has a password; the new cluster gets the one in the state store.
            old.execute("postgres", "ALTER ROLE postgres PASSWORD 'the-old-password'");
            // Runs before the snapshot: the rolled-back statements still advance sequences.
            Map<String, String> behaviourBefore = behaviour(old);
            CatalogSnapshot before = CatalogSnapshot.of(old);
            assertThat(before.items()).as("objects of the realistic schema").hasSizeGreaterThan(700);
            dogu.setPassword(PASSWORD);

            cli(dogu, oldServer, strategy).run("pre-upgrade", from, to).ok();
            dogu.stopServer();
            cli(dogu, newServer, strategy).run("post-upgrade", from, to).ok();
            CliProcess.Result startup = cli(dogu, newServer, strategy).run("startup").ok();
            assertThat(startup.stderr()).contains("migration 01-restore finished");

            try (PostgresServer upgraded = dogu.startServer(newServer, PASSWORD)) {
                CatalogSnapshot after = CatalogSnapshot.of(upgraded);
                ExpectedDifferences.Classification classes = ExpectedDifferences.classify(before, after,
                        ExpectedDifferences.ALL);
                LOG.info("{} -> {} ({} backup): {} items before, {} after, {} differences\n{}", oldServer, newServer,
                        strategy, before.items().size(), after.items().size(), before.diff(after).size(),
                        classes.summary());
                assertThat(classes.unexplained()).as("differences no documented class explains").isEmpty();
                assertThat(before.fingerprint().diff(after.fingerprint())).as("rows, roles, sequences, large objects")
                        .isEmpty();
                assertThat(behaviour(upgraded)).as("triggers, rules, policies and text search still work")
                        .isEqualTo(behaviourBefore);
            }
        }
    }

    /**
     * Runs the fixture's triggers, rules, policies and text search once and returns what they did;
     * inside a transaction that is rolled back, so the cluster is unchanged.
     */
    private static Map<String, String> behaviour(PostgresServer server) throws SQLException {
        Map<String, String> seen = new LinkedHashMap<>();
        try (Connection c = server.connect(RealisticSchema.MAIN_DATABASE); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("SET search_path = fx_core, public");
                String lastAudit = query(s, "SELECT coalesce(max(id), 0) FROM fx_core.audit_log");
                s.execute("INSERT INTO fx_core.rooms_editable VALUES (42, 'via INSTEAD OF trigger')");
                s.execute("UPDATE fx_core.rooms SET name = 'renamed by rule' WHERE id = 1");
                s.execute("INSERT INTO fx_core.bookings (room, customer, during, seats) VALUES (42, 100,"
                        + " tstzrange('2030-01-01 00:00+00', '2030-01-01 01:00+00'), 2)");
                s.execute("DELETE FROM fx_core.ledger");
                s.execute("INSERT INTO fx_part.events (id, happened, region, amount) VALUES (900000, '2024-05-05', 'de', 10)");
                s.execute("SET CONSTRAINTS ALL IMMEDIATE");
                seen.put("audit rows by level", query(s, "SELECT string_agg(level || ':' || op || ':' || tbl, ', '"
                        + " ORDER BY level, op, tbl) FROM fx_core.audit_log WHERE id > " + lastAudit));
                seen.put("counters", query(s, "SELECT string_agg(name || '=' || value, ', ' ORDER BY name) FROM fx_core.counters"));
                seen.put("ledger rows kept by DO INSTEAD NOTHING", query(s, "SELECT count(*) FROM fx_core.ledger"));
                seen.put("eu partition trigger", query(s, "SELECT payload::text FROM fx_part.events WHERE id = 900000"));
                seen.put("text search", query(s, "SELECT count(*) FROM fx_text.articles"
                        + " WHERE doc @@ to_tsquery('fx_text.fx_german', 'fuchs & hund & strasse')"));
                seen.put("case-insensitive collation", query(s, "SELECT count(*) FROM fx_core.customers"
                        + " WHERE nickname = 'NICK3' COLLATE fx_core.fx_ci"));
                s.execute("SET ROLE fx_reader");
                seen.put("policy: fx_reader's documents", query(s, "SELECT count(*) FROM fx_sec.documents"));
                s.execute("RESET ROLE");
                s.execute("SET ROLE fx_auditor");
                seen.put("policy: fx_auditor's documents", query(s, "SELECT count(*) FROM fx_sec.documents"));
            } finally {
                c.rollback();
            }
        }
        return seen;
    }

    private static String query(Statement s, String sql) throws SQLException {
        try (ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static CliProcess cli(EmbeddedDogu dogu, String version, String strategy) {
        Map<String, String> env = new LinkedHashMap<>(dogu.environment(version));
        env.put("DOGU_UPGRADE_BACKUP_STRATEGY", strategy);
        env.put("DOGU_UPGRADE_JOBS", "2");
        return new CliProcess(CliProcess.defaultJar(), env, dogu.root().resolve("logs"));
    }
}
