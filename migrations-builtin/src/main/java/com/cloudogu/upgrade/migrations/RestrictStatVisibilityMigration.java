package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases.Database;
import com.cloudogu.upgrade.migrations.support.ClusterDatabases.TemporaryAccess;
import com.cloudogu.upgrade.migrations.support.ServerInstallation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code 02-restrict-stat-visibility}: closes CVE-2024-4317 in clusters initialized before
 * PostgreSQL 14.12, 15.7 or 16.3. Their system views {@code pg_stats_ext} and
 * {@code pg_stats_ext_exprs} show every role the statistics of other roles' expression statistics
 * objects; a minor update does not change existing system views, so PostgreSQL ships
 * {@code fix-CVE-2024-4317.sql} for each database.
 *
 * <p>Applicability is read from the databases themselves: a view is unrestricted when its
 * definition lacks the owner check {@code pg_has_role(c.relowner, ...)} that the fix adds. Majors
 * before 14 are not affected (they have no expression statistics and the column privilege check of
 * their views holds; PostgreSQL lists only 14 to 16 as affected and ships no fix for them). On 14 to
 * 16 {@code template0} is checked as well when every connectable database is already restricted;
 * from 17 on initdb creates restricted views and neither dump/restore nor pg_upgrade carries old
 * system views into a new major, so {@code template0} is not opened there.
 *
 * <p>The script is taken from the share directory of the running server installation
 * ({@link ServerInstallation}), never from a fixed path, and must be plain SQL: a psql
 * meta-command in it fails the migration with a message rather than being skipped. It runs in every
 * database, {@code template0} first (new databases are copied from it); each database is fixed and
 * checked in one transaction. {@code template0} and other databases that refuse connections accept
 * them only for the duration and refuse them again afterwards, also when the fix failed.
 * {@link #migrate} succeeds, and so lets the engine set the marker {@value #MARKER}, only after
 * every database was verified restricted.
 *
 * <p>When the running server does not ship the script (14.0-14.11, 15.0-15.6, 16.0-16.2) while a
 * database is unrestricted, the migration reports this as a warning and does not apply: the views
 * stay as they are and the marker stays unset, so the fix runs automatically once the image ships a
 * fixed minor. It does not fail the phase (refusing to start would not close the leak) and it does
 * not set the marker (that would claim a fix that did not happen).
 */
public final class RestrictStatVisibilityMigration implements Migration {

    /** The completion marker in the state store. */
    public static final String MARKER = "restricted_stat_visibility";
    /** The file PostgreSQL ships in its share directory from 14.12, 15.7 and 16.3 on. */
    public static final String FIX_SCRIPT = "fix-CVE-2024-4317.sql";

    private static final Logger LOG = LoggerFactory.getLogger(RestrictStatVisibilityMigration.class);
    private static final int FIRST_AFFECTED_MAJOR = 14;
    private static final int LAST_AFFECTED_MAJOR = 16;
    // The fix adds this owner check to both views; a definition without it is the leaky one.
    private static final String UNRESTRICTED_VIEWS = "SELECT count(*) FROM pg_catalog.pg_class c"
            + " WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind = 'v'"
            + " AND c.relname IN ('pg_stats_ext', 'pg_stats_ext_exprs')"
            + " AND pg_catalog.pg_get_viewdef(c.oid) NOT LIKE '%pg_has_role(c.relowner%'";

    @Override
    public String id() {
        return "02-restrict-stat-visibility";
    }

    @Override
    public String description() {
        return "Restrict pg_stats_ext and pg_stats_ext_exprs to the table owner in every database (CVE-2024-4317)";
    }

    @Override
    public Optional<String> marker() {
        return Optional.of(MARKER);
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        int major = server.majorVersion();
        if (major < FIRST_AFFECTED_MAJOR) {
            LOG.info("{}: PostgreSQL {} is not affected by CVE-2024-4317", id(), major);
            return false;
        }
        List<String> unrestricted = new ArrayList<>();
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                if (unrestrictedViews(connection) > 0) {
                    unrestricted.add(database);
                }
            }
        }
        if (unrestricted.isEmpty() && major <= LAST_AFFECTED_MAJOR) {
            for (Database database : ClusterDatabases.all(server)) {
                if (database.needsTemporaryAccess()) {
                    try (TemporaryAccess access = ClusterDatabases.allowConnections(server, database.name());
                            Connection connection = server.connect(database.name())) {
                        if (unrestrictedViews(connection) > 0) {
                            unrestricted.add(database.name());
                        }
                    }
                }
            }
        }
        if (unrestricted.isEmpty()) {
            LOG.info("{}: pg_stats_ext and pg_stats_ext_exprs are already restricted in every database", id());
            return false;
        }
        Path share = ServerInstallation.shareDirectory(server);
        if (!Files.isRegularFile(share.resolve(FIX_SCRIPT))) {
            String message = "CVE-2024-4317 is NOT fixed: PostgreSQL " + ServerInstallation.version(server)
                    + " does not ship " + FIX_SCRIPT + " in " + share + " (PostgreSQL ships it from 14.12, 15.7 and"
                    + " 16.3 on), so pg_stats_ext and pg_stats_ext_exprs stay readable by every role in " + unrestricted
                    + ". Marker " + MARKER + " stays unset; the fix runs once the image ships a fixed minor.";
            LOG.warn("{}: {}", id(), message);
            context.report(message);
            return false;
        }
        LOG.info("{}: unrestricted statistics views in {}", id(), unrestricted);
        return true;
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        Path script = ServerInstallation.shareDirectory(server).resolve(FIX_SCRIPT);
        if (!Files.isRegularFile(script)) {
            throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "PostgreSQL " + ServerInstallation.version(server)
                    + " does not ship " + script + "; cannot fix CVE-2024-4317. Update to 14.12, 15.7, 16.3 or later.");
        }
        String sql = readPlainSql(script);
        List<Database> databases = new ArrayList<>(ClusterDatabases.all(server));
        // template0 first: every database created later is copied from it or from template1.
        databases.sort(Comparator.comparing((Database d) -> !d.needsTemporaryAccess()));
        List<String> fixed = new ArrayList<>();
        for (Database database : databases) {
            boolean changed;
            try {
                changed = database.needsTemporaryAccess() ? restrictWithTemporaryAccess(server, database.name(), sql)
                        : restrictIn(server, database.name(), sql);
            } catch (SQLException e) {
                throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Could not apply " + script + " in database "
                        + database.name() + ": " + e.getMessage() + ". Fixed so far: " + fixed + "; marker " + MARKER
                        + " stays unset and the next run continues.", e);
            }
            if (changed) {
                fixed.add(database.name());
                context.report("restricted pg_stats_ext and pg_stats_ext_exprs in database " + database.name()
                        + " (CVE-2024-4317, " + script + ")");
            } else {
                LOG.info("{}: database {} was already restricted", id(), database.name());
            }
        }
        context.report("CVE-2024-4317 fixed in " + fixed.size() + " of " + databases.size() + " databases; every"
                + " database now restricts pg_stats_ext and pg_stats_ext_exprs to the table owner");
    }

    private static boolean restrictWithTemporaryAccess(DatabaseServer server, String database, String sql)
            throws SQLException {
        try (TemporaryAccess access = ClusterDatabases.allowConnections(server, database)) {
            return restrictIn(server, database, sql);
        }
    }

    // Fixes and verifies one database in one transaction, so a failure leaves it as it was.
    private static boolean restrictIn(DatabaseServer server, String database, String sql) throws SQLException {
        try (Connection connection = server.connect(database)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                if (unrestrictedViews(connection) == 0) {
                    connection.rollback();
                    return false;
                }
                statement.execute(sql);
                long left = unrestrictedViews(connection);
                if (left > 0) {
                    throw new SQLException(left + " statistics view(s) still lack the owner check after the fix");
                }
                connection.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static long unrestrictedViews(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(UNRESTRICTED_VIEWS)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // psql meta-commands cannot run over JDBC; refuse them instead of silently skipping lines.
    static String readPlainSql(Path script) throws IOException {
        String sql = Files.readString(script, StandardCharsets.UTF_8);
        String[] lines = sql.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("\\")) {
                throw new UpgradeException(ErrorCode.MIGRATION_FAILED, script + " line " + (i + 1)
                        + " holds the psql meta-command '" + lines[i].strip() + "', which cannot run over JDBC."
                        + " Apply the file with psql in every database, then set " + MARKER + "=true.");
            }
        }
        return sql;
    }
}
