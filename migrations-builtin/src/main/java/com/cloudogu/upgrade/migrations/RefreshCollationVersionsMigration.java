package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases.Database;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases.TemporaryAccess;
import com.cloudogu.upgrade.migrations.support.SqlNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code 05-refresh-collation-versions}: rebuilds the indexes that depend on a collation whose
 * recorded version differs from the version the collation library (glibc, ICU) reports now, then
 * records the new version. An index sorted by an older library version can give wrong answers and
 * miss duplicates; PostgreSQL only warns about it.
 *
 * <p>What the server tracks: every supported major records a version per collation in
 * {@code pg_collation.collversion}; from 15 on the database's default collation has its own in
 * {@code pg_database.datcollversion}. Before 15 a change of the default collation's library is not
 * recorded anywhere, so nothing can be detected for it. A version counts as changed only when both
 * the recorded and the actual version are known and differ, as PostgreSQL's own warning does; a
 * recorded version without an actual one is reported and left alone ({@code REFRESH VERSION} would
 * refuse it).
 *
 * <p>Dependent indexes are the plain indexes whose {@code indcollation} names the collation (the
 * default collation for a changed database version) or that depend on it in {@code pg_depend}
 * (collations used inside index expressions). Not covered: uses of the default collation that only
 * a partial index's predicate makes, and other objects that sort (range partitions bounds on text,
 * materialized views); the report says to check those by hand.
 *
 * <p>Cost: when nothing changed, exactly one query per connectable database (it also covers the
 * database versions of databases that refuse connections). Otherwise, per database, the indexes are
 * rebuilt and the versions refreshed in one transaction, so an interruption leaves the old versions
 * recorded and the next run repeats the work. {@code template0} and other databases that refuse
 * connections are opened only when their recorded database version changed or another database
 * needed work (the same library serves them all), and refuse connections again afterwards.
 *
 * <p>No marker: a library can change with any image update, and the recorded versions themselves
 * say whether anything is left to do. A failure fails the phase (naming the database and the
 * statement), because a cluster with indexes in the wrong order must not be handed to clients
 * silently.
 */
public final class RefreshCollationVersionsMigration implements Migration {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshCollationVersionsMigration.class);
    // pg_collation's fixed OID of the database default collation.
    private static final long DEFAULT_COLLATION = 100;
    private static final int FIRST_MAJOR_WITH_DATABASE_VERSION = 15;

    private static final String CHANGED_COLLATIONS = """
            SELECT 'collation' AS kind, c.oid, pg_catalog.format('%I.%I', n.nspname, c.collname) AS name,
                   c.collversion AS recorded, v.actual
              FROM pg_catalog.pg_collation c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
             CROSS JOIN LATERAL (SELECT CASE WHEN c.collversion IS NOT NULL
                                        THEN pg_catalog.pg_collation_actual_version(c.oid) END AS actual) v
             WHERE c.collversion IS NOT NULL AND c.collversion IS DISTINCT FROM v.actual
            """;
    // Own database, plus those that refuse connections: pg_database is shared, so one query sees them.
    private static final String CHANGED_DATABASES = """
            UNION ALL
            SELECT 'database', d.oid, d.datname, d.datcollversion, v.actual
              FROM pg_catalog.pg_database d
             CROSS JOIN LATERAL (SELECT CASE WHEN d.datcollversion IS NOT NULL
                                        THEN pg_catalog.pg_database_collation_actual_version(d.oid) END AS actual) v
             WHERE (d.datname = pg_catalog.current_database() OR NOT d.datallowconn OR d.datname = 'template0')
               AND d.datconnlimit <> -2
               AND d.datcollversion IS NOT NULL AND d.datcollversion IS DISTINCT FROM v.actual
            """;

    /** A collation (or database default collation) whose recorded version is not the actual one. */
    record ChangedVersion(boolean database, long oid, String name, String recorded, String actual) {

        boolean refreshable() {
            return actual != null;
        }

        String describe() {
            return (database ? "default collation of database " : "collation ") + name + " (" + recorded + " -> "
                    + (actual == null ? "unknown" : actual) + ")";
        }
    }

    @Override
    public String id() {
        return "05-refresh-collation-versions";
    }

    @Override
    public String description() {
        return "Rebuild indexes on collations whose library version changed, then record the new versions";
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        boolean work = false;
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                List<ChangedVersion> changed = changedVersions(connection, server.majorVersion());
                for (ChangedVersion version : changed) {
                    if (version.refreshable()) {
                        work = true;
                    } else {
                        LOG.warn("{}: {} in database {} has a recorded version but the library reports none;"
                                + " left alone", id(), version.describe(), database);
                    }
                }
            }
        }
        return work;
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        int major = server.majorVersion();
        Set<String> closedDatabasesWithChangedVersion = new LinkedHashSet<>();
        boolean anyWork = false;
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                List<ChangedVersion> changed = changedVersions(connection, major);
                changed.stream().filter(v -> v.database() && v.refreshable() && !v.name().equals(database))
                        .forEach(v -> closedDatabasesWithChangedVersion.add(v.name()));
                anyWork |= refresh(database, connection, changed, context);
            }
        }
        for (Database database : ClusterDatabases.all(server)) {
            boolean needed = closedDatabasesWithChangedVersion.contains(database.name()) || anyWork;
            if (database.needsTemporaryAccess() && needed) {
                try (TemporaryAccess access = ClusterDatabases.allowConnections(server, database.name());
                        Connection connection = server.connect(database.name())) {
                    refresh(database.name(), connection, changedVersions(connection, major), context);
                }
            }
        }
    }

    // Rebuilds the dependent indexes and refreshes the versions in one transaction.
    private boolean refresh(String database, Connection connection, List<ChangedVersion> changed,
                            MigrationContext context) throws SQLException {
        List<ChangedVersion> own = changed.stream()
                .filter(v -> v.refreshable() && (!v.database() || v.name().equals(database)))
                .toList();
        if (own.isEmpty()) {
            return false;
        }
        Set<Long> collations = new LinkedHashSet<>();
        for (ChangedVersion version : own) {
            collations.add(version.database() ? DEFAULT_COLLATION : version.oid());
        }
        List<String> statements = new ArrayList<>();
        List<String> indexes = dependentIndexes(connection, collations);
        for (String index : indexes) {
            statements.add("REINDEX INDEX " + index);
        }
        for (ChangedVersion version : own) {
            statements.add(version.database()
                    ? "ALTER DATABASE " + SqlNames.identifier(database) + " REFRESH COLLATION VERSION"
                    : "ALTER COLLATION " + version.name() + " REFRESH VERSION");
        }
        connection.setAutoCommit(false);
        String current = null;
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                current = sql;
                LOG.debug("{}: {} in database {}", id(), sql, database);
                statement.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Could not refresh collation versions in database "
                    + database + " at '" + current + "': " + e.getMessage() + ". Nothing in that database was changed;"
                    + " the next run repeats the work.", e);
        } finally {
            connection.setAutoCommit(true);
        }
        context.report("database " + database + ": rebuilt " + indexes.size() + " index(es) " + indexes
                + " and recorded the new versions of " + own.stream().map(ChangedVersion::describe)
                        .collect(Collectors.joining(", "))
                + "; check partial-index predicates and text range partitions on these collations by hand");
        return true;
    }

    private static List<String> dependentIndexes(Connection connection, Set<Long> collations) throws SQLException {
        // Numbers only, so the array literal is safe to inline.
        String array = collations.stream().map(String::valueOf).collect(Collectors.joining(",", "'{", "}'::oid[]"));
        String sql = "SELECT DISTINCT pg_catalog.format('%I.%I', n.nspname, ic.relname)"
                + " FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE ic.relkind = 'i' AND (i.indcollation::oid[] && " + array
                + "   OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
                + "               WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
                + "                 AND d.objid = i.indexrelid"
                + "                 AND d.refclassid = 'pg_catalog.pg_collation'::pg_catalog.regclass"
                + "                 AND d.refobjid = ANY (" + array + ")))"
                + " ORDER BY 1";
        List<String> indexes = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                indexes.add(rows.getString(1));
            }
        }
        return indexes;
    }

    static List<ChangedVersion> changedVersions(Connection connection, int major) throws SQLException {
        String sql = major >= FIRST_MAJOR_WITH_DATABASE_VERSION ? CHANGED_COLLATIONS + CHANGED_DATABASES
                : CHANGED_COLLATIONS;
        List<ChangedVersion> changed = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                changed.add(new ChangedVersion("database".equals(rows.getString(1)), rows.getLong(2),
                        rows.getString(3), rows.getString(4), rows.getString(5)));
            }
        }
        return changed;
    }
}
