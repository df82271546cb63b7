package com.cloudogu.upgrade.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large, varied schema in the spirit of PostgreSQL's regression database, for proving that an
 * upgrade keeps every kind of object, not only rows. Loaded over JDBC into a fresh cluster of major
 * 12 to 18 in a few seconds (not idempotent); restorable into 17 and 18 by dump and restore.
 *
 * <p>The SQL is in {@code src/main/resources/com/cloudogu/upgrade/testkit/realistic/} ({@code
 * cluster.sql}, {@code fx_regression.sql}, {@code fx_second.sql}), readable on its own. It holds:
 *
 * <ul>
 *   <li>roles ({@code fx_owner}, {@code fx_admin}, {@code fx_writer}, {@code fx_reader}, {@code
 *       fx_auditor}, {@code "Fx Mixed Case"}) with memberships, admin option, role settings and a
 *       comment; databases {@value #MAIN_DATABASE} and {@value #SECOND_DATABASE} with settings,
 *       comments and database privileges;
 *   <li>extensions pg_trgm, hstore, citext, btree_gist, ltree, unaccent, pgcrypto, postgres_fdw,
 *       uuid-ossp; collations (libc copy, ICU, nondeterministic ICU);
 *   <li>several schemas; enum (with added values), composite and range types; domains with checks
 *       (one NOT VALID); sequences (owned, standalone with unusual settings, not called);
 *       functions and a procedure in SQL and PL/pgSQL, an aggregate, an operator, a SECURITY
 *       DEFINER function;
 *   <li>tables with identity, generated (STORED), collated, array, hstore, ltree, composite and
 *       domain columns; storage, statistics and per-column options; deferrable unique and foreign
 *       keys, exclusion and NOT VALID check constraints; partial, expression, covering, GIN, GiST,
 *       BRIN indexes; an extended statistics object; an unlogged table; replica identity; CLUSTER ON;
 *   <li>row and statement triggers (transition table, WHEN, UPDATE OF, constraint trigger, disabled
 *       TRUNCATE trigger), INSTEAD OF triggers and rules on views, DO INSTEAD NOTHING rule; event
 *       triggers (one disabled);
 *   <li>views (security barrier with check option, window functions, recursive CTE, casts,
 *       extension functions and operators), materialized views (populated with a unique index, and
 *       one never populated);
 *   <li>declarative partitioning: range partitions with list sub-partitions, default partitions at
 *       two levels, an attached partition from MINVALUE, hash partitions, partitioned indexes, a
 *       partition-local index, foreign keys to and from partitioned tables, row and statement
 *       triggers on the partitioned table and a BEFORE trigger on one partition, a generated column on the
 *       partitioned table (the same expression in every partition);
 *   <li>multi-level and multiple inheritance with inherited, local and NO INHERIT constraints and
 *       defaults overridden in a child;
 *   <li>row-level security (forced, permissive and restrictive policies), table, column, sequence,
 *       function, type, language, foreign server and large object privileges, privileges granted
 *       by a non-owner with grant option, default privileges;
 *   <li>text search: dictionaries (stop words, unaccent), configurations, a tsvector column kept
 *       by a trigger with a GIN index, a regconfig column, an expression GiST index;
 *   <li>a publication, a foreign server with a user mapping and a foreign table, two large objects
 *       (with owner, privileges and a comment), comments on most kinds of object.
 * </ul>
 *
 * <p>About 5,500 rows. It avoids what a major upgrade refuses by design, e.g. a generated column in
 * an inheritance child whose parent's column is not generated (refused from 16 on). Compare the
 * result with {@link CatalogSnapshot}.
 */
public final class RealisticSchema {

    /** The main database, owned by {@code fx_owner}. */
    public static final String MAIN_DATABASE = "fx_regression";
    /** The second database, owned by {@code fx_admin}, not open to PUBLIC. */
    public static final String SECOND_DATABASE = "Fx Second";
    /** The login role that owns most objects. */
    public static final String OWNER = "fx_owner";
    /** Password of {@link #OWNER}. */
    public static final String OWNER_PASSWORD = "fx-owner-secret";

    private static final String STEP = "--- step";
    private static final Logger LOG = LoggerFactory.getLogger(RealisticSchema.class);

    private RealisticSchema() {}

    /**
     * @param server a running server with a fresh cluster (its superuser must be allowed to create roles)
     * @throws SQLException if a statement failed (e.g. the schema was loaded before)
     */
    public static void load(RunningServer server) throws SQLException {
        load(server::connect);
    }

    /**
     * @param source opens superuser connections to a fresh cluster
     * @throws SQLException if a statement failed; the message names the script and its step
     */
    public static void load(ConnectionSource source) throws SQLException {
        long started = System.nanoTime();
        run(source, "postgres", "cluster.sql");
        run(source, MAIN_DATABASE, "fx_regression.sql");
        run(source, SECOND_DATABASE, "fx_second.sql");
        LOG.info("Loaded the realistic schema in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * @param script a script name, e.g. {@code fx_regression.sql}
     * @return its steps, in order: each runs as one multi-statement string
     */
    static List<String> steps(String script) {
        String text;
        try (InputStream in = RealisticSchema.class.getResourceAsStream("realistic/" + script)) {
            if (in == null) {
                throw new IllegalStateException("Missing fixture script realistic/" + script);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> steps = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(STEP)) {
                if (current != null) {
                    steps.add(current.toString());
                }
                current = new StringBuilder();
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            steps.add(current.toString());
        }
        return steps;
    }

    private static void run(ConnectionSource source, String database, String script) throws SQLException {
        List<String> steps = steps(script);
        try (Connection connection = source.open(database);
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < steps.size(); i++) {
                try {
                    statement.execute(steps.get(i));
                    // Each step starts as the superuser with the database's default search path.
                    statement.execute("RESET ROLE; RESET search_path");
                } catch (SQLException e) {
                    throw new SQLException("Realistic schema: " + script + " step " + (i + 1) + " failed in database "
                            + Sql.identifier(database) + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }
}
