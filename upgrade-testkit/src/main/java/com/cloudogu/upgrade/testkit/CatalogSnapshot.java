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
 * A catalog-level snapshot of a cluster, object by object, for proving that a dump-and-restore
 * upgrade kept every definition and not only the rows. It complements {@link ClusterFingerprint}
 * and contains all of its items (databases, roles, memberships, rows per table, sequence values,
 * large object contents), and adds, per connectable database except {@code template0}, one item per
 * object with a normalized definition:
 *
 * <ul>
 *   <li>schemas; relations (tables, partitioned tables, views, materialized views, sequences,
 *       foreign tables, composite types) with kind, owner, privileges, persistence, options,
 *       row-level security flags, replica identity, partition key and bound, parents in order;
 *   <li>columns: type, collation, NOT NULL, default, identity, generation expression, local or
 *       inherited, statistics target, storage, options, privileges;
 *   <li>constraints ({@code pg_get_constraintdef}, validated, inheritance), indexes ({@code
 *       pg_get_indexdef}, clustered, replica identity, parent index), triggers ({@code
 *       pg_get_triggerdef}, enabled state), rules ({@code pg_get_ruledef}), policies, view and
 *       materialized view definitions ({@code pg_get_viewdef}) and rows of populated
 *       materialized views, sequence parameters and the column owning them;
 *   <li>functions and procedures ({@code pg_get_functiondef}), aggregates, operators, types (enum
 *       labels in order, ranges, multiranges, domains with their constraints), collations (their
 *       version as a separate item), text search configurations and dictionaries, extensions with
 *       versions, statistics objects, event triggers, publications, foreign servers and user
 *       mappings, languages, default privileges, large object owners and privileges;
 *   <li>comments on every object ({@code pg_describe_object}), database privileges, connection
 *       limits and settings, role settings, role and database comments.
 * </ul>
 *
 * <p>Objects that belong to an extension are represented by the extension and its version only:
 * their definitions are the extension's, and change with it. Catalog representation changes that
 * carry no meaning are normalized: privileges sorted, ICU locales read from the column each major
 * keeps them in, partition-cloned triggers (internal in 12, with a parent from 13 on) marked {@code
 * derived} in both, {@code attstattarget} -1 and NULL (17+) both shown as default. Every other
 * difference is reported by {@link #diff}; {@link ExpectedDifferences} classifies the ones a major
 * upgrade brings by design.
 *
 * <p>Needs a superuser connection. Definitions are rendered with an empty search path, so every
 * name is schema-qualified.
 */
public final class CatalogSnapshot {

    private static final String SESSION_SETTINGS = "SET search_path = pg_catalog; SET TimeZone = 'UTC';"
            + " SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1;"
            + " SET bytea_output = 'hex'";

    private final int serverVersion;
    private final ClusterFingerprint fingerprint;
    private final SortedMap<String, String> items;

    private CatalogSnapshot(int serverVersion, ClusterFingerprint fingerprint, SortedMap<String, String> items) {
        this.serverVersion = serverVersion;
        this.fingerprint = fingerprint;
        this.items = Collections.unmodifiableSortedMap(items);
    }

    /**
     * @param server a running server
     * @return the snapshot of its whole cluster
     * @throws SQLException if a catalog or table could not be read
     */
    public static CatalogSnapshot of(RunningServer server) throws SQLException {
        return of(server::connect);
    }

    /**
     * @param source opens superuser connections to databases of one cluster
     * @return the snapshot of the whole cluster
     * @throws SQLException if a catalog or table could not be read
     */
    public static CatalogSnapshot of(ConnectionSource source) throws SQLException {
        ClusterFingerprint fingerprint = ClusterFingerprint.of(source);
        SortedMap<String, String> items = new TreeMap<>(fingerprint.items());
        int version;
        List<String> databases = new ArrayList<>();
        try (Connection connection = openDiscovery(source); Statement statement = connection.createStatement()) {
            statement.execute(SESSION_SETTINGS);
            version = Integer.parseInt(single(statement, "SELECT current_setting('server_version_num')"));
            readShared(statement, items);
            try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database"
                    + " WHERE datallowconn AND datname <> 'template0'")) {
                while (rows.next()) {
                    databases.add(rows.getString(1));
                }
            }
        }
        for (String database : databases) {
            try (Connection connection = source.open(database)) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(SESSION_SETTINGS);
                    String prefix = "database " + Sql.identifier(database) + " / ";
                    for (String query : databaseQueries(version)) {
                        collect(statement, query, prefix, items);
                    }
                    readMaterializedViewRows(statement, prefix, items);
                } finally {
                    connection.rollback();
                }
            }
        }
        return new CatalogSnapshot(version, fingerprint, items);
    }

    /** @return every compared item with its value, sorted by item */
    public SortedMap<String, String> items() {
        return items;
    }

    /** @return the server's major version, e.g. 17 */
    public int majorVersion() {
        return serverVersion / 10000;
    }

    /** @return the fingerprint this snapshot contains */
    public ClusterFingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * @param after the snapshot taken later (e.g. after the upgrade)
     * @return every difference, sorted by item; nothing is filtered (see {@link ExpectedDifferences})
     */
    public List<ClusterFingerprint.Difference> diff(CatalogSnapshot after) {
        Objects.requireNonNull(after, "after");
        TreeSet<String> keys = new TreeSet<>(items.keySet());
        keys.addAll(after.items.keySet());
        List<ClusterFingerprint.Difference> differences = new ArrayList<>();
        for (String key : keys) {
            String before = items.get(key);
            String now = after.items.get(key);
            if (!Objects.equals(before, now)) {
                differences.add(new ClusterFingerprint.Difference(key, before, now));
            }
        }
        return List.copyOf(differences);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CatalogSnapshot that && items.equals(that.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("CatalogSnapshot of PostgreSQL ").append(serverVersion)
                .append(" (").append(items.size()).append(" items)");
        items.forEach((key, value) -> text.append("\n  ").append(key).append(": ").append(value));
        return text.toString();
    }

    // ---- queries; each returns (item, value) ----

    private static final String SYSTEM_SCHEMA = "n.nspname IN ('pg_catalog', 'information_schema')"
            + " OR n.nspname ~ '^pg_(toast|temp_|toast_temp_)'";

    /** @return the ACL as sorted aclitems, or {@code default} when the catalog holds NULL */
    private static String acl(String column) {
        return "coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text COLLATE \"C\") FROM unnest(" + column
                + ") a), 'default')";
    }

    /** @return the options (name=value) sorted, joined with commas; their order carries no meaning */
    private static String options(String column) {
        return "coalesce((SELECT string_agg(o, ',' ORDER BY o COLLATE \"C\") FROM unnest(" + column + ") o), '')";
    }

    private static String notExtensionMember(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = "
                + oid + " AND e.deptype = 'e')";
    }

    private static String qualified(String namespaceAlias, String name) {
        return "quote_ident(" + namespaceAlias + ".nspname) || '.' || quote_ident(" + name + ")";
    }

    private static final String USER_NAMESPACE = " JOIN pg_namespace n ON n.oid = %s WHERE NOT (" + SYSTEM_SCHEMA + ")";

    private static String userNamespace(String column) {
        return String.format(USER_NAMESPACE, column);
    }

    private static void readShared(Statement statement, Map<String, String> items) throws SQLException {
        collect(statement, "SELECT 'database \"' || replace(datname, '\"', '\"\"') || '\" / settings',"
                + " 'connlimit=' || datconnlimit || ' acl=' || " + acl("datacl") + " FROM pg_database", "", items);
        collect(statement, "SELECT 'settings for role ' || coalesce(quote_ident(r.rolname), 'ALL') || ' in database '"
                + " || coalesce('\"' || replace(d.datname, '\"', '\"\"') || '\"', 'ALL'),"
                + " (SELECT string_agg(x, ', ' ORDER BY x COLLATE \"C\") FROM unnest(s.setconfig) x)"
                + " FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole"
                + " LEFT JOIN pg_database d ON d.oid = s.setdatabase", "", items);
        collect(statement, "SELECT 'comment on ' || CASE s.classoid WHEN 'pg_database'::regclass"
                + " THEN 'database \"' || replace(d.datname, '\"', '\"\"') || '\"' ELSE 'role ' || quote_ident(r.rolname) END, s.description"
                + " FROM pg_shdescription s LEFT JOIN pg_database d ON s.classoid = 'pg_database'::regclass AND d.oid = s.objoid"
                + " LEFT JOIN pg_roles r ON s.classoid = 'pg_authid'::regclass AND r.oid = s.objoid"
                + " WHERE s.objoid >= 16384", "", items);
    }

    private static List<String> databaseQueries(int version) {
        List<String> queries = new ArrayList<>();
        // Schemas.
        queries.add("SELECT 'schema ' || quote_ident(n.nspname), 'owner=' || pg_get_userbyid(n.nspowner)"
                + " || ' acl=' || " + acl("n.nspacl") + " FROM pg_namespace n WHERE NOT (" + SYSTEM_SCHEMA + ") AND " + notExtensionMember("pg_namespace", "n.oid"));
        // Relations.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + ", 'kind=' || c.relkind::text"
                + " || ' owner=' || pg_get_userbyid(c.relowner) || ' acl=' || " + acl("c.relacl")
                + " || ' persistence=' || c.relpersistence::text"
                + " || ' options=' || " + options("c.reloptions")
                + " || ' rls=' || c.relrowsecurity || ' forcerls=' || c.relforcerowsecurity"
                + " || ' replident=' || c.relreplident::text"
                + " || CASE WHEN c.relkind = 'm' THEN ' populated=' || c.relispopulated ELSE '' END"
                + " || CASE WHEN c.relkind = 'p' THEN ' partkey=' || pg_get_partkeydef(c.oid) ELSE '' END"
                + " || CASE WHEN c.relispartition THEN ' bound=' || pg_get_expr(c.relpartbound, c.oid) ELSE '' END"
                + " || coalesce(' parents=' || (SELECT string_agg(" + qualified("pn", "p.relname")
                + ", ',' ORDER BY i.inhseqno)"
                + "    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                + "    WHERE i.inhrelid = c.oid AND p.relkind IN ('r', 'p', 'f')), '')"
                + " FROM pg_class c" + userNamespace("c.relnamespace")
                + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')"
                + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Columns.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / column ' || quote_ident(a.attname),"
                + " 'position=' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)"
                + " || ' type=' || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attcollation <> t.typcollation THEN ' collation=' || "
                + qualified("cn", "co.collname") + " ELSE '' END"
                + " || ' notnull=' || a.attnotnull"
                + " || coalesce(' default=' || pg_get_expr(d.adbin, d.adrelid), '')"
                + " || CASE WHEN a.attidentity <> '' THEN ' identity=' || a.attidentity::text ELSE '' END"
                + " || CASE WHEN a.attgenerated <> '' THEN ' generated=' || a.attgenerated::text ELSE '' END"
                + " || ' local=' || a.attislocal || ' inhcount=' || a.attinhcount"
                + " || ' stattarget=' || coalesce(nullif(a.attstattarget, -1)::text, 'default')"
                + " || CASE WHEN a.attstorage <> t.typstorage THEN ' storage=' || a.attstorage::text ELSE '' END"
                + " || CASE WHEN a.attoptions IS NULL THEN '' ELSE ' options=' || " + options("a.attoptions") + " END"
                + " || CASE WHEN a.attfdwoptions IS NULL THEN '' ELSE ' fdwoptions=' || " + options("a.attfdwoptions") + " END"
                + " || CASE WHEN a.attacl IS NULL THEN '' ELSE ' acl=' || " + acl("a.attacl") + " END"
                + " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + userNamespace("c.relnamespace") + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')"
                + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Constraints of relations. A cloned constraint (partitions) gets a generated name that
        // differs between majors: keyed by its definition.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / constraint '"
                + " || CASE WHEN k.conparentid <> 0 THEN '(derived) ' || pg_get_constraintdef(k.oid)"
                + " ELSE quote_ident(k.conname) END,"
                + " 'type=' || k.contype::text || ' def=' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated"
                + " || ' local=' || k.conislocal || ' inhcount=' || k.coninhcount || ' noinherit=' || k.connoinherit"
                + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid" + userNamespace("c.relnamespace")
                + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Indexes.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / index ' || quote_ident(ic.relname),"
                + " pg_get_indexdef(x.indexrelid) || ' clustered=' || x.indisclustered || ' replident=' || x.indisreplident"
                + " || ' valid=' || x.indisvalid"
                + " || CASE WHEN ic.reloptions IS NULL THEN '' ELSE ' options=' || " + options("ic.reloptions") + " END"
                + " || coalesce(' parent=' || (SELECT " + qualified("pn", "p.relname") + " FROM pg_inherits i"
                + "    JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                + "    WHERE i.inhrelid = ic.oid), '')"
                + " FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
                + userNamespace("c.relnamespace") + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Triggers: user triggers, and the triggers cloned onto partitions (internal in 12).
        String derived = version >= 130000 ? "t.tgparentid <> 0" : "t.tgisinternal";
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / trigger ' || quote_ident(t.tgname),"
                + " pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text"
                + " || CASE WHEN " + derived + " THEN ' (derived)' ELSE '' END"
                + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid" + userNamespace("c.relnamespace")
                + " AND (NOT t.tgisinternal OR t.tgconstraint = 0)");
        // Rules (not the views' _RETURN rules: see the view definitions).
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / rule ' || quote_ident(r.rulename),"
                + " pg_get_ruledef(r.oid) || ' enabled=' || r.ev_enabled::text"
                + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class" + userNamespace("c.relnamespace")
                + " AND r.rulename <> '_RETURN'");
        // Policies.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / policy ' || quote_ident(p.polname),"
                + " 'cmd=' || p.polcmd::text || ' permissive=' || p.polpermissive || ' roles='"
                + " || (SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") FROM (SELECT CASE WHEN r = 0 THEN 'public'"
                + "     ELSE quote_ident(pg_get_userbyid(r)) END AS x FROM unnest(p.polroles) r) roles)"
                + " || coalesce(' using=' || pg_get_expr(p.polqual, p.polrelid), '')"
                + " || coalesce(' check=' || pg_get_expr(p.polwithcheck, p.polrelid), '')"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid" + userNamespace("c.relnamespace"));
        // View and materialized view definitions.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / definition', pg_get_viewdef(c.oid)"
                + " FROM pg_class c" + userNamespace("c.relnamespace") + " AND c.relkind IN ('v', 'm')"
                + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Sequence parameters and owning column.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / sequence',"
                + " 'type=' || format_type(s.seqtypid, NULL) || ' start=' || s.seqstart || ' increment=' || s.seqincrement"
                + " || ' min=' || s.seqmin || ' max=' || s.seqmax || ' cache=' || s.seqcache || ' cycle=' || s.seqcycle"
                + " || coalesce(' owned_by=' || (SELECT " + qualified("tn", "tc.relname") + " || '.' || quote_ident(ta.attname)"
                + "    || ' (' || d.deptype::text || ')' FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid"
                + "    JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                + "    JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid"
                + "    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass"
                + "    AND d.deptype IN ('a', 'i')), '')"
                + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid" + userNamespace("c.relnamespace")
                + " AND " + notExtensionMember("pg_class", "c.oid"));
        // Foreign tables.
        queries.add("SELECT 'relation ' || " + qualified("n", "c.relname") + " || ' / foreign table',"
                + " 'server=' || quote_ident(s.srvname) || ' options=' || " + options("f.ftoptions")
                + " FROM pg_foreign_table f JOIN pg_class c ON c.oid = f.ftrelid"
                + " JOIN pg_foreign_server s ON s.oid = f.ftserver" + userNamespace("c.relnamespace"));
        // Functions, procedures, aggregates (range constructors belong to their type: left out).
        String notTypeInternal = "NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass"
                + " AND i.objid = p.oid AND i.refclassid = 'pg_type'::regclass AND i.deptype = 'i')";
        queries.add("SELECT 'function ' || p.oid::regprocedure::text,"
                + " 'owner=' || pg_get_userbyid(p.proowner) || ' acl=' || " + acl("p.proacl")
                + " || ' ' || CASE WHEN p.prokind = 'a' THEN (SELECT 'aggregate sfunc=' || ag.aggtransfn::regproc::text"
                + "    || ' stype=' || format_type(ag.aggtranstype, NULL) || ' final=' || ag.aggfinalfn::regproc::text"
                + "    || ' combine=' || ag.aggcombinefn::regproc::text || ' initval=' || coalesce(ag.agginitval, 'null')"
                + "    || ' kind=' || ag.aggkind::text FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)"
                + "  ELSE pg_get_functiondef(p.oid) END"
                + " FROM pg_proc p" + userNamespace("p.pronamespace") + " AND " + notExtensionMember("pg_proc", "p.oid")
                + " AND " + notTypeInternal);
        // Operators.
        queries.add("SELECT 'operator ' || o.oid::regoperator::text, 'owner=' || pg_get_userbyid(o.oprowner)"
                + " || ' proc=' || o.oprcode::regproc::text || ' result=' || format_type(o.oprresult, NULL)"
                + " || ' commutator=' || o.oprcom::regoperator::text || ' negator=' || o.oprnegate::regoperator::text"
                + " FROM pg_operator o" + userNamespace("o.oprnamespace") + " AND " + notExtensionMember("pg_operator", "o.oid"));
        // Types: enums, ranges, multiranges, domains and standalone composites (their attributes
        // are listed with the relations). Array types and table row types come with their owner.
        String multirange = version >= 140000
                ? " WHEN 'm' THEN 'multirange of ' || (SELECT rngtypid::regtype::text FROM pg_range WHERE rngmultitypid = t.oid)"
                : "";
        queries.add("SELECT 'type ' || format_type(t.oid, NULL), 'typtype=' || t.typtype::text || ' owner='"
                + " || pg_get_userbyid(t.typowner) || ' acl=' || " + acl("t.typacl")
                + " || ' ' || CASE t.typtype"
                + "  WHEN 'e' THEN 'labels=' || (SELECT string_agg(quote_literal(enumlabel), ',' ORDER BY enumsortorder)"
                + "    FROM pg_enum WHERE enumtypid = t.oid)"
                + "  WHEN 'r' THEN (SELECT 'subtype=' || format_type(r.rngsubtype, NULL) || ' collation=' || r.rngcollation::regcollation::text"
                .replace("r.rngcollation::regcollation::text", "coalesce((SELECT " + qualified("cn", "co.collname")
                        + " FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation), '-')")
                + "    || ' opclass=' || (SELECT opcname FROM pg_opclass WHERE oid = r.rngsubopc)"
                + "    || ' canonical=' || r.rngcanonical::regproc::text || ' subdiff=' || r.rngsubdiff::regproc::text"
                + "    FROM pg_range r WHERE r.rngtypid = t.oid)"
                + multirange
                + "  WHEN 'd' THEN 'base=' || format_type(t.typbasetype, t.typtypmod) || ' notnull=' || t.typnotnull"
                + "    || ' default=' || coalesce(t.typdefault, 'null')"
                + "    || coalesce(' collation=' || (SELECT " + qualified("cn", "co.collname") + " FROM pg_collation co"
                + "      JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation"
                + "      AND t.typcollation <> (SELECT typcollation FROM pg_type WHERE oid = t.typbasetype)), '')"
                + "  ELSE '' END"
                + " FROM pg_type t" + userNamespace("t.typnamespace")
                + " AND t.typtype IN ('e', 'r', 'm', 'd', 'c', 'b')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = t.oid)"
                + " AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
                + " AND " + notExtensionMember("pg_type", "t.oid"));
        // Domain constraints.
        queries.add("SELECT 'type ' || format_type(t.oid, NULL) || ' / constraint ' || quote_ident(k.conname),"
                + " 'type=' || k.contype::text || ' def=' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated"
                + " FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid" + userNamespace("t.typnamespace")
                + " AND " + notExtensionMember("pg_type", "t.oid"));
        // Collations; the version on its own, as it follows the library, not the dump.
        String locale = version >= 170000 ? "coalesce(co.colllocale, co.collcollate)"
                : version >= 150000 ? "coalesce(co.colliculocale, co.collcollate)" : "co.collcollate";
        String localeCtype = version >= 150000 ? "coalesce(co.collctype, '')" : "CASE WHEN co.collprovider = 'i' THEN ''"
                + " ELSE co.collctype END";
        queries.add("SELECT 'collation ' || " + qualified("n", "co.collname") + ", 'owner=' || pg_get_userbyid(co.collowner)"
                + " || ' provider=' || co.collprovider::text || ' locale=' || " + locale
                + " || ' ctype=' || CASE WHEN co.collprovider = 'i' THEN '' ELSE " + localeCtype + " END"
                + " || ' deterministic=' || co.collisdeterministic || ' encoding=' || co.collencoding"
                + " FROM pg_collation co" + userNamespace("co.collnamespace")
                + " AND " + notExtensionMember("pg_collation", "co.oid"));
        queries.add("SELECT 'collation ' || " + qualified("n", "co.collname") + " || ' / version',"
                + " coalesce(co.collversion, 'none')"
                + " FROM pg_collation co" + userNamespace("co.collnamespace")
                + " AND " + notExtensionMember("pg_collation", "co.oid"));
        // Extensions.
        // Keyed as the fingerprint's "extension" items (which say "installed"), plus " / version".
        queries.add("SELECT 'extension \"' || replace(x.extname, '\"', '\"\"') || '\" / version',"
                + " 'version=' || x.extversion || ' schema='"
                + " || quote_ident(x.extnamespace::regnamespace::text) || ' owner=' || pg_get_userbyid(x.extowner)"
                + " FROM pg_extension x");
        // Text search.
        queries.add("SELECT 'text search configuration ' || " + qualified("n", "c.cfgname") + ", 'owner='"
                + " || pg_get_userbyid(c.cfgowner) || ' parser=' || c.cfgparser::regnamespace::text"
                .replace("c.cfgparser::regnamespace::text", "(SELECT " + qualified("pn", "p.prsname")
                        + " FROM pg_ts_parser p JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser)")
                + " || ' mappings=' || coalesce((SELECT string_agg(tt.alias || ':' || m.dicts, ' ' ORDER BY m.maptokentype)"
                + "    FROM (SELECT maptokentype, string_agg(mapdict::regdictionary::text, ',' ORDER BY mapseqno) AS dicts"
                + "      FROM pg_ts_config_map WHERE mapcfg = c.oid GROUP BY maptokentype) m"
                + "    JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype), '')"
                + " FROM pg_ts_config c" + userNamespace("c.cfgnamespace")
                + " AND " + notExtensionMember("pg_ts_config", "c.oid"));
        queries.add("SELECT 'text search dictionary ' || " + qualified("n", "d.dictname") + ", 'owner='"
                + " || pg_get_userbyid(d.dictowner) || ' template=' || (SELECT " + qualified("tn", "tt.tmplname")
                + "    FROM pg_ts_template tt JOIN pg_namespace tn ON tn.oid = tt.tmplnamespace WHERE tt.oid = d.dicttemplate)"
                + " || ' options=' || coalesce(d.dictinitoption, '')"
                + " FROM pg_ts_dict d" + userNamespace("d.dictnamespace")
                + " AND " + notExtensionMember("pg_ts_dict", "d.oid"));
        // Statistics objects.
        queries.add("SELECT 'statistics ' || " + qualified("n", "s.stxname") + ", 'owner=' || pg_get_userbyid(s.stxowner)"
                + " || ' ' || pg_get_statisticsobjdef(s.oid)"
                + " FROM pg_statistic_ext s" + userNamespace("s.stxnamespace"));
        // Default privileges.
        queries.add("SELECT 'default privileges for role ' || quote_ident(pg_get_userbyid(d.defaclrole))"
                + " || coalesce(' in schema ' || quote_ident(n.nspname), '') || ' on ' || d.defaclobjtype::text,"
                + " " + acl("d.defaclacl")
                + " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace");
        // Event triggers.
        queries.add("SELECT 'event trigger ' || quote_ident(e.evtname), 'event=' || e.evtevent || ' owner='"
                + " || pg_get_userbyid(e.evtowner) || ' function=' || e.evtfoid::regprocedure::text"
                + " || ' enabled=' || e.evtenabled::text || ' tags=' || coalesce(array_to_string(e.evttags, ','), '')"
                + " FROM pg_event_trigger e");
        // Publications.
        queries.add("SELECT 'publication ' || quote_ident(p.pubname), 'owner=' || pg_get_userbyid(p.pubowner)"
                + " || ' alltables=' || p.puballtables || ' insert=' || p.pubinsert || ' update=' || p.pubupdate"
                + " || ' delete=' || p.pubdelete || ' truncate=' || p.pubtruncate"
                + " || ' tables=' || coalesce((SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") FROM (SELECT r.prrelid::regclass::text AS x"
                + "    FROM pg_publication_rel r WHERE r.prpubid = p.oid) t), '')"
                + " FROM pg_publication p");
        // Foreign servers and user mappings.
        queries.add("SELECT 'foreign server ' || quote_ident(s.srvname), 'wrapper=' || w.fdwname || ' owner='"
                + " || pg_get_userbyid(s.srvowner) || ' acl=' || " + acl("s.srvacl")
                + " || ' options=' || " + options("s.srvoptions")
                + " FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw");
        queries.add("SELECT 'user mapping for ' || CASE WHEN u.umuser = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(u.umuser))"
                + " END || ' on server ' || quote_ident(s.srvname), 'options=' || " + options("u.umoptions")
                + " FROM pg_user_mapping u JOIN pg_foreign_server s ON s.oid = u.umserver");
        // Languages (plpgsql is an extension member, but its privileges are the database's).
        queries.add("SELECT 'language ' || quote_ident(l.lanname), 'owner=' || pg_get_userbyid(l.lanowner)"
                + " || ' trusted=' || l.lanpltrusted || ' acl=' || " + acl("l.lanacl") + " FROM pg_language l");
        // Large objects: owners and privileges (contents are in the fingerprint).
        queries.add("SELECT 'large object ' || m.oid, 'owner=' || pg_get_userbyid(m.lomowner) || ' acl=' || "
                + acl("m.lomacl") + " FROM pg_largeobject_metadata m");
        // Comments on every object that is not the system's or an extension's.
        queries.add("SELECT 'comment on ' || pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description"
                + " FROM pg_description d WHERE d.objoid >= 16384"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid"
                + "   AND e.deptype = 'e')");
        return queries;
    }

    private static void readMaterializedViewRows(Statement statement, String prefix, Map<String, String> items)
            throws SQLException {
        List<String> views = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT " + qualified("n", "c.relname") + " FROM pg_class c"
                + userNamespace("c.relnamespace") + " AND c.relkind = 'm' AND c.relispopulated")) {
            while (rows.next()) {
                views.add(rows.getString(1));
            }
        }
        for (String view : views) {
            try (ResultSet rows = statement.executeQuery("SELECT count(*), md5(coalesce(string_agg(ROW(r.*)::text,"
                    + " E'\\n' ORDER BY ROW(r.*)::text COLLATE \"C\"), '')) FROM " + view + " AS r")) {
                rows.next();
                items.put(prefix + "relation " + view + " / rows", "count=" + rows.getLong(1) + " md5=" + rows.getString(2));
            }
        }
    }

    private static void collect(Statement statement, String sql, String prefix, Map<String, String> items)
            throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String key = prefix + rows.getString(1);
                String value = Objects.toString(rows.getString(2), "null");
                String previous = items.putIfAbsent(key, value);
                if (previous != null) {
                    throw new IllegalStateException("Two catalog items have the key " + key + ": " + previous
                            + " and " + value);
                }
            }
        } catch (SQLException e) {
            throw new SQLException("Catalog snapshot query failed: " + e.getMessage() + "\n" + sql, e.getSQLState(), e);
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

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
