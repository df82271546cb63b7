package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.migrations.support.ServerInstallation;
import com.cloudogu.upgrade.migrations.support.SqlNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code 03-migrate-constraints-on-partitioned-tables}: repairs foreign keys that
 * {@code ATTACH PARTITION} / {@code DETACH PARTITION} left in an inconsistent catalog state before
 * PostgreSQL 13.17, 14.14, 15.9, 16.5 and 17.1 (a detached table kept a key without its
 * enforcement triggers on the referenced partitions), and self-referencing keys on partitioned
 * tables whose partitions were created without the required catalog entries before 13.21, 14.18,
 * 15.13, 16.9 and 17.5. PostgreSQL 12 has both bugs in every release (verified on 12.22).
 *
 * <p>The check is the query published in the PostgreSQL 14.14 release notes, in its later form that
 * also counts the partitions of a self-referencing key's own table ({@link #CHECK_QUERY}; only its
 * select list differs: it returns the schema-qualified names and repair statements, quoted by the
 * server with {@code format('%I')}). It runs over JDBC in every connectable database
 * ({@code template0} cannot hold user tables). Each reported key is dropped and re-added from its
 * own definition ({@code pg_get_constraintdef}) inside one transaction, so a failure - typically rows
 * that violate the key because it was not enforced - rolls back and leaves the key as it was. All
 * keys are tried; afterwards the check runs again and a key still reported counts as failed.
 *
 * <p>{@link #migrate} fails, naming each database, table, key and error, when any repair failed;
 * the marker {@value #MARKER} is then not set and the next run retries. A cluster without reported
 * keys makes the migration not apply (the marker stays unset, so a later run checks again). When
 * the running server still has one of the bugs, the repair is done anyway and a warning says that
 * the state can come back.
 */
public final class MigrateConstraintsOnPartitionedTablesMigration implements Migration {

    /** The completion marker in the state store. */
    public static final String MARKER = "migrated_database_constraints";

    /**
     * The check: foreign keys at the top of their partition tree whose number of child constraints
     * differs from what their referencing and referenced partitions require. The {@code WHERE}
     * clause is the one of the release notes; columns: qualified table, key name, drop and add
     * statement.
     */
    static final String CHECK_QUERY = """
            SELECT pg_catalog.format('%I.%I', n.nspname, t.relname) AS constrained_table,
                   c.conname AS constraint_name,
                   pg_catalog.format('ALTER TABLE %I.%I DROP CONSTRAINT %I',
                                     n.nspname, t.relname, c.conname) AS drop_statement,
                   pg_catalog.format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s',
                                     n.nspname, t.relname, c.conname,
                                     pg_catalog.pg_get_constraintdef(c.oid)) AS add_statement
            FROM pg_catalog.pg_constraint c
                 JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
                 JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE contype = 'f' AND conparentid = 0 AND
               (SELECT count(*) FROM pg_catalog.pg_constraint c2
                WHERE c2.conparentid = c.oid) <>
               ((SELECT count(*) FROM pg_catalog.pg_inherits i
                WHERE (i.inhparent = c.conrelid OR i.inhparent = c.confrelid) AND
                  EXISTS (SELECT 1 FROM pg_catalog.pg_partitioned_table
                          WHERE partrelid = i.inhparent)) +
                CASE WHEN pg_catalog.pg_partition_root(conrelid) = confrelid THEN
                          (SELECT count(*) FROM pg_catalog.pg_partition_tree(confrelid)
                            WHERE level = 1)
                     ELSE 0 END)
            ORDER BY 1, 2
            """;

    private static final Logger LOG = LoggerFactory.getLogger(MigrateConstraintsOnPartitionedTablesMigration.class);
    private static final int NEVER = Integer.MAX_VALUE;
    // First minors with the ATTACH/DETACH fix and with the self-referencing key fix, per major; 12
    // reached its end of life without either (verified on 12.22), 18 was released with both.
    private static final Map<Integer, int[]> FIXED_IN = Map.of(12, new int[] {NEVER, NEVER},
            13, new int[] {17, 21}, 14, new int[] {14, 18}, 15, new int[] {9, 13}, 16, new int[] {5, 9},
            17, new int[] {1, 5});

    /** A foreign key the check reported, with the statements that repair it. */
    record BrokenKey(String table, String constraint, String drop, String add) {

        String describe() {
            return SqlNames.identifier(constraint) + " on " + table;
        }
    }

    @Override
    public String id() {
        return "03-migrate-constraints-on-partitioned-tables";
    }

    @Override
    public String description() {
        return "Re-create foreign keys that partition ATTACH/DETACH left inconsistent, in every database";
    }

    @Override
    public Optional<String> marker() {
        return Optional.of(MARKER);
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        int reported = 0;
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                List<BrokenKey> broken = check(connection);
                if (!broken.isEmpty()) {
                    LOG.info("{}: database {} has {} inconsistent foreign key(s): {}", id(), database, broken.size(),
                            broken.stream().map(BrokenKey::describe).toList());
                }
                reported += broken.size();
            }
        }
        if (reported == 0) {
            LOG.info("{}: no inconsistent foreign keys on partitioned tables in any database", id());
        }
        return reported > 0;
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        warnIfServerStillHasTheBug(server, context);
        List<String> failures = new ArrayList<>();
        int repaired = 0;
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                repaired += repairDatabase(database, connection, context, failures);
            } catch (SQLException e) {
                failures.add("database " + database + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new UpgradeException(ErrorCode.MIGRATION_FAILED, failures.size() + " foreign key(s) could not be"
                    + " repaired and were left unchanged (" + repaired + " repaired):\n  - "
                    + String.join("\n  - ", failures)
                    + "\nRe-adding a key fails when rows violate it (they can creep in while it was not enforced):"
                    + " correct those rows, then run the upgrade again. Marker " + MARKER + " stays unset.");
        }
        context.report("foreign keys on partitioned tables: " + repaired + " repaired; the check query reports none"
                + " in any database");
    }

    private int repairDatabase(String database, Connection connection, MigrationContext context, List<String> failures)
            throws SQLException {
        List<BrokenKey> broken = check(connection);
        List<BrokenKey> repaired = new ArrayList<>();
        for (BrokenKey key : broken) {
            try {
                recreate(connection, key);
                repaired.add(key);
            } catch (SQLException e) {
                LOG.warn("{}: could not repair {} in database {}: {}", id(), key.describe(), database, e.getMessage());
                failures.add("database " + database + ", " + key.describe() + ": " + e.getMessage());
            }
        }
        // Re-check: a key that is still reported was not really repaired.
        int confirmed = 0;
        List<BrokenKey> left = check(connection);
        for (BrokenKey key : repaired) {
            boolean stillBroken = left.stream().anyMatch(k -> k.table().equals(key.table())
                    && k.constraint().equals(key.constraint()));
            if (stillBroken) {
                failures.add("database " + database + ", " + key.describe()
                        + ": still inconsistent after re-adding it");
            } else {
                confirmed++;
                context.report("repaired foreign key " + key.describe() + " in database " + database
                        + " (dropped and re-added in one transaction)");
            }
        }
        return confirmed;
    }

    // DROP and ADD in one transaction: if the ADD fails the key stays as it was.
    private static void recreate(Connection connection, BrokenKey key) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(key.drop());
            statement.execute(key.add());
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    static List<BrokenKey> check(Connection connection) throws SQLException {
        List<BrokenKey> keys = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(CHECK_QUERY)) {
            while (rows.next()) {
                keys.add(new BrokenKey(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return keys;
    }

    private void warnIfServerStillHasTheBug(DatabaseServer server, MigrationContext context) {
        int major = server.majorVersion();
        int[] fixedIn = FIXED_IN.get(major);
        if (fixedIn == null) {
            return;
        }
        int minor = server.versionNumber() % 10_000;
        String which = minor < fixedIn[0] ? "ATTACH/DETACH PARTITION (" + fixedIn(major, fixedIn[0]) + ")"
                : minor < fixedIn[1] ? "creating partitions under a self-referencing key ("
                        + fixedIn(major, fixedIn[1]) + ")"
                : null;
        if (which != null) {
            String message = "PostgreSQL " + ServerInstallation.version(server) + " still has the bug in " + which
                    + "; repaired keys can become inconsistent again until the server is updated";
            LOG.warn("{}: {}", id(), message);
            context.report(message);
        }
    }

    private static String fixedIn(int major, int minor) {
        return minor == NEVER ? "no " + major + " release has the fix" : "fixed in " + major + "." + minor;
    }
}
