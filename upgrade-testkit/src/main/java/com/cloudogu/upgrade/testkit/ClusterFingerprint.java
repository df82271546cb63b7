package com.cloudogu.upgrade.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A comparable snapshot of a cluster's content, for proving that an upgrade kept everything: take
 * one before, one after, and compare with {@link #diff(ClusterFingerprint)}.
 *
 * <p>It records, as sorted {@code item -> value} pairs:
 *
 * <ul>
 *   <li>every database with owner, encoding, collation and ctype;
 *   <li>every role except the predefined {@code pg_*} roles: its attributes and whether it has a
 *       password (never the hash, which a restore may legitimately re-encode);
 *   <li>role memberships (except those among predefined roles, which differ between majors);
 *   <li>per connectable database: installed extensions (by name; versions are kept aside in
 *       {@link #extensionVersions()} and not compared, since they change across majors), every
 *       user table's column list, owner and constraints, an MD5 over its rows sorted by their text
 *       form (leaf tables only: a partitioned parent would count its partitions twice), every
 *       sequence's {@code last_value}/{@code is_called}, and the large objects (count, MD5 over
 *       their owners and contents).
 * </ul>
 *
 * <p>Needs a superuser connection (it reads {@code pg_authid}). Rows are rendered with fixed session
 * settings (UTC, ISO dates, hex bytea) so that the same data fingerprints the same on every major.
 * Each table's rows are aggregated in memory on the server: meant for test-sized data.
 */
public final class ClusterFingerprint {

    // An empty search path makes constraint and type names schema-qualified, whatever the database's default.
    private static final String SESSION_SETTINGS = "SET search_path = pg_catalog; SET TimeZone = 'UTC';"
            + " SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1;"
            + " SET bytea_output = 'hex'";

    // Everything below is quoted server-side with quote_ident, which knows the server's keywords.
    private static final String USER_RELATIONS = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)' AND c.relpersistence <> 't'";

    private final SortedMap<String, String> items;
    private final SortedMap<String, String> extensionVersions;

    private ClusterFingerprint(SortedMap<String, String> items, SortedMap<String, String> extensionVersions) {
        this.items = Collections.unmodifiableSortedMap(items);
        this.extensionVersions = Collections.unmodifiableSortedMap(extensionVersions);
    }

    /**
     * @param server a running server
     * @return the fingerprint of its whole cluster
     * @throws SQLException if a catalog or table could not be read
     */
    public static ClusterFingerprint of(RunningServer server) throws SQLException {
        return of(server::connect);
    }

    /**
     * Discovers the databases through {@code postgres} (or {@code template1} if that is missing) and
     * fingerprints every database that allows connections, except {@code template0}.
     *
     * @param source opens superuser connections to databases of the cluster
     * @return the fingerprint of the whole cluster
     * @throws SQLException if a catalog or table could not be read
     */
    public static ClusterFingerprint of(ConnectionSource source) throws SQLException {
        SortedMap<String, String> items = new TreeMap<>();
        SortedMap<String, String> versions = new TreeMap<>();
        List<String> databases;
        try (Connection connection = openDiscovery(source)) {
            databases = readCluster(connection, items);
        }
        for (String database : databases) {
            try (Connection connection = source.open(database)) {
                readDatabase(connection, "database " + Sql.identifier(database) + " / ", items, versions);
            }
        }
        return new ClusterFingerprint(items, versions);
    }

    /** @return every compared item with its value, sorted by item */
    public SortedMap<String, String> items() {
        return items;
    }

    /**
     * @return {@code database "x" / extension "y" -> version}; informational, not part of
     *     {@link #equals} or {@link #diff}
     */
    public SortedMap<String, String> extensionVersions() {
        return extensionVersions;
    }

    /**
     * @param after the fingerprint taken later (e.g. after the upgrade)
     * @return what differs, sorted by item; empty if the clusters hold the same content
     */
    public List<Difference> diff(ClusterFingerprint after) {
        Objects.requireNonNull(after, "after");
        TreeSet<String> keys = new TreeSet<>(items.keySet());
        keys.addAll(after.items.keySet());
        List<Difference> differences = new ArrayList<>();
        for (String key : keys) {
            String before = items.get(key);
            String now = after.items.get(key);
            if (!Objects.equals(before, now)) {
                differences.add(new Difference(key, before, now));
            }
        }
        return List.copyOf(differences);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterFingerprint that && items.equals(that.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ClusterFingerprint (").append(items.size()).append(" items)");
        items.forEach((key, value) -> text.append("\n  ").append(key).append(": ").append(value));
        if (!extensionVersions.isEmpty()) {
            text.append("\n  extension versions (not compared):");
            extensionVersions.forEach((key, value) -> text.append("\n    ").append(key).append(": ").append(value));
        }
        return text.toString();
    }

    /**
     * One item that differs between two fingerprints.
     *
     * @param item what differs, e.g. {@code role "reader"}
     * @param before its value in the earlier fingerprint, {@code null} if it was absent
     * @param after its value in the later fingerprint, {@code null} if it is missing now
     */
    public record Difference(String item, String before, String after) {

        /** @return {@code missing}, {@code added} or {@code changed} */
        public String kind() {
            return after == null ? "missing" : before == null ? "added" : "changed";
        }

        @Override
        public String toString() {
            return switch (kind()) {
                case "missing" -> "missing " + item + " (was " + before + ")";
                case "added" -> "added " + item + ": " + after;
                default -> "changed " + item + ": " + before + " -> " + after;
            };
        }
    }

    private static Connection openDiscovery(ConnectionSource source) throws SQLException {
        try {
            return source.open("postgres");
        } catch (SQLException e) {
            if ("3D000".equals(e.getSQLState())) { // invalid_catalog_name: someone dropped "postgres"
                return source.open("template1");
            }
            throw e;
        }
    }

    // Cluster-wide catalogs; returns the databases whose content is fingerprinted.
    private static List<String> readCluster(Connection connection, Map<String, String> items) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.execute(SESSION_SETTINGS);
            try (ResultSet rows = statement.executeQuery("SELECT datname, pg_get_userbyid(datdba),"
                    + " pg_encoding_to_char(encoding), datcollate, datctype, datallowconn, datistemplate"
                    + " FROM pg_database")) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    items.put("database " + Sql.identifier(name), "owner=" + rows.getString(2) + " encoding="
                            + rows.getString(3) + " collate=" + rows.getString(4) + " ctype=" + rows.getString(5)
                            + " allowconn=" + rows.getBoolean(6) + " template=" + rows.getBoolean(7));
                    if (rows.getBoolean(6) && !name.equals("template0")) {
                        databases.add(name);
                    }
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT rolname, rolsuper, rolinherit, rolcreaterole,"
                    + " rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit,"
                    + " rolpassword IS NOT NULL, rolvaliduntil FROM pg_authid WHERE rolname !~ '^pg_'")) {
                while (rows.next()) {
                    items.put("role " + Sql.identifier(rows.getString(1)), "super=" + rows.getBoolean(2)
                            + " inherit=" + rows.getBoolean(3) + " createrole=" + rows.getBoolean(4) + " createdb="
                            + rows.getBoolean(5) + " login=" + rows.getBoolean(6) + " replication="
                            + rows.getBoolean(7) + " bypassrls=" + rows.getBoolean(8) + " connlimit="
                            + rows.getInt(9) + " password=" + rows.getBoolean(10) + " validuntil="
                            + rows.getString(11));
                }
            }
            // From 16 on one membership may be granted several times by different grantors: fold them.
            try (ResultSet rows = statement.executeQuery("SELECT r.rolname, m.rolname, bool_or(a.admin_option)"
                    + " FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member"
                    + " WHERE NOT (r.rolname ~ '^pg_' AND m.rolname ~ '^pg_') GROUP BY 1, 2")) {
                while (rows.next()) {
                    items.put("role " + Sql.identifier(rows.getString(1)) + " / member "
                            + Sql.identifier(rows.getString(2)), "admin=" + rows.getBoolean(3));
                }
            }
        }
        return databases;
    }

    private static void readDatabase(Connection connection, String prefix, Map<String, String> items,
            Map<String, String> versions) throws SQLException {
        connection.setAutoCommit(false);
        // One snapshot for the whole database, so concurrent writers cannot tear the picture.
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute(SESSION_SETTINGS);
            try (ResultSet rows = statement.executeQuery("SELECT extname, extversion FROM pg_extension")) {
                while (rows.next()) {
                    String key = prefix + "extension " + Sql.identifier(rows.getString(1));
                    items.put(key, "installed");
                    versions.put(key, rows.getString(2));
                }
            }
            readTableDefinitions(statement, prefix, items);
            for (String table : column(statement, "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                    + USER_RELATIONS + " AND c.relkind = 'r'")) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*), md5(coalesce(string_agg(ROW(r.*)::text,"
                        + " E'\\n' ORDER BY ROW(r.*)::text COLLATE \"C\"), '')) FROM ONLY " + table + " AS r")) {
                    rows.next();
                    items.put(prefix + "table " + table + " / rows", "count=" + rows.getLong(1) + " md5="
                            + rows.getString(2));
                }
            }
            for (String sequence : column(statement, "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                    + USER_RELATIONS + " AND c.relkind = 'S'")) {
                try (ResultSet rows = statement.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
                    rows.next();
                    items.put(prefix + "sequence " + sequence, "last_value=" + rows.getLong(1) + " is_called="
                            + rows.getBoolean(2));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT count(*), md5(coalesce(string_agg(oid::text || ':'"
                    + " || pg_get_userbyid(lomowner) || ':' || md5(lo_get(oid)), ',' ORDER BY oid), ''))"
                    + " FROM pg_largeobject_metadata")) {
                rows.next();
                items.put(prefix + "large objects", "count=" + rows.getLong(1) + " md5=" + rows.getString(2));
            }
        } finally {
            connection.rollback();
        }
    }

    // Columns, owner and constraints of plain and partitioned tables. NOT NULL constraints are left
    // to the column list: from 18 on they are catalog constraints too, which would differ by major.
    private static void readTableDefinitions(Statement statement, String prefix, Map<String, String> items)
            throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
                + " pg_get_userbyid(c.relowner),"
                + " (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)"
                + "    || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum)"
                + "  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),"
                // Constraints cloned from a parent's (partitions, FKs to partitioned tables) get names
                // the server generates, and PostgreSQL 18 generates them differently: compare their
                // definitions only.
                + " (SELECT string_agg(d, '; ' ORDER BY d COLLATE \"C\") FROM (SELECT CASE WHEN k.conparentid <> 0"
                + "    THEN '(derived) ' ELSE quote_ident(k.conname) || ' ' END || pg_get_constraintdef(k.oid) AS d"
                + "  FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'f', 'c', 'x')) defs)"
                + " " + USER_RELATIONS + " AND c.relkind IN ('r', 'p')")) {
            while (rows.next()) {
                String table = prefix + "table " + rows.getString(1);
                items.put(table + " / owner", rows.getString(2));
                items.put(table + " / columns", Objects.toString(rows.getString(3), ""));
                items.put(table + " / constraints", Objects.toString(rows.getString(4), ""));
            }
        }
    }

    private static List<String> column(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
