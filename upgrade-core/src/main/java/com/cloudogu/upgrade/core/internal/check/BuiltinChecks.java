package com.cloudogu.upgrade.core.internal.check;

import static com.cloudogu.upgrade.core.internal.check.CompatibilityCheck.Applicability.always;
import static com.cloudogu.upgrade.core.internal.check.CompatibilityCheck.Applicability.refusedFrom;
import static com.cloudogu.upgrade.core.internal.check.CompatibilityCheck.Applicability.sourceAtLeast;

import com.cloudogu.upgrade.core.internal.check.CompatibilityCheck.Scope;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The built-in compatibility checks: what a {@code pg_dumpall} of the old cluster holds that a
 * restore into the new major refuses. Only real dump/restore failures are here (pg_upgrade's checks
 * for on-disk formats, such as {@code reg*} or {@code aclitem} columns, do not matter for a dump,
 * which carries text). docs/CHECKS.md explains each one and what was left out.
 */
public final class BuiltinChecks {

    /** Objects created by users, not by initdb (pg_upgrade's FirstNormalObjectId). */
    static final String USER_OBJECT = "16384";

    private BuiltinChecks() {
    }

    /** @return every built-in check, in report order */
    public static List<CompatibilityCheck> all() {
        return List.of(nonAsciiNamesInMixedEncodingCluster(), nullsUnderNotNullParents(), inheritedGeneratedColumns(),
                postfixOperators(),
                incompatiblePolymorphics(), userDefinedEncodingConversions(), removedDataTypes(),
                viewsOnRemovedCatalogColumns(), removedParametersInRoleAndDatabaseSettings(),
                removedParametersInFunctionSettings());
    }

    private static String notInExtension(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." + catalog
                + "'::pg_catalog.regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
    }

    /**
     * pg_dump writes each database's part in that database's encoding ({@code SET client_encoding})
     * while names of databases and roles are stored as the bytes their creator sent. In a cluster
     * with databases of different encodings the restore converts such bytes from the wrong encoding:
     * {@code CREATE DATABASE} makes a different name and the next {@code \connect} fails.
     */
    static CompatibilityCheck nonAsciiNamesInMixedEncodingCluster() {
        String mixed = "(SELECT count(DISTINCT encoding) FROM pg_catalog.pg_database WHERE datallowconn"
                + " AND datname <> 'template0') > 1";
        String encodings = "(SELECT string_agg(DISTINCT pg_catalog.pg_encoding_to_char(encoding), ', ')"
                + " FROM pg_catalog.pg_database WHERE datallowconn AND datname <> 'template0')";
        return new CompatibilityCheck("non-ascii-names-in-mixed-encoding-cluster",
                "non-ASCII database or role names in a cluster whose databases have different encodings",
                Scope.CLUSTER, always(),
                (version, to) -> "SELECT pg_catalog.format('database %s (encoding %s; the cluster has %s)',"
                        + " pg_catalog.quote_ident(datname), pg_catalog.pg_encoding_to_char(encoding), " + encodings + ")"
                        + " FROM pg_catalog.pg_database WHERE datname::text ~ '[^\\x01-\\x7f]' AND " + mixed
                        + " UNION ALL SELECT pg_catalog.format('role %s (the cluster has databases in %s)',"
                        + " pg_catalog.quote_ident(rolname), " + encodings + ")"
                        + " FROM pg_catalog.pg_roles WHERE rolname::text ~ '[^\\x01-\\x7f]' AND " + mixed,
                "Rename them to ASCII names (ALTER DATABASE ... RENAME TO ..., ALTER ROLE ... RENAME TO ...; clients"
                        + " that use the old names need the new ones), or move the data of the databases that are not"
                        + " UTF8 into UTF8 databases, then run the upgrade again.",
                "pg_dumpall/pg_dump: names are written in each database's client_encoding");
    }

    /**
     * A parent column made {@code NOT NULL} with {@code ALTER TABLE ONLY} leaves the inheritance
     * child's column nullable. pg_dump recreates the child with {@code INHERITS}, which gives its column
     * the parent's {@code NOT NULL}, so the child's {@code COPY} fails on the first NULL, in every
     * major. Only children that hold a NULL there are reported (found with an {@code EXISTS} on each
     * such column alone; the fence keeps the scan off every other table).
     */
    static CompatibilityCheck nullsUnderNotNullParents() {
        return new CompatibilityCheck("nulls-under-not-null-parents",
                "NULLs in an inheritance child's column that is NOT NULL in the parent",
                Scope.DATABASE, always(),
                (version, to) -> "SELECT pg_catalog.format('table %I.%I column %I holds NULLs, but in its parent %I.%I"
                        + " the column is NOT NULL', child_schema, child, col, parent_schema, parent)"
                        + " FROM (SELECT cn.nspname AS child_schema, c.relname AS child, ca.attname AS col,"
                        + " pn.nspname AS parent_schema, p.relname AS parent"
                        + " FROM pg_catalog.pg_inherits i"
                        + " JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
                        + " JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
                        + " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
                        + " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace"
                        + " JOIN pg_catalog.pg_attribute ca ON ca.attrelid = c.oid AND ca.attnum > 0 AND NOT ca.attisdropped"
                        + " JOIN pg_catalog.pg_attribute pa ON pa.attrelid = p.oid AND pa.attname = ca.attname"
                        + " AND NOT pa.attisdropped"
                        + " WHERE pa.attnotnull AND NOT ca.attnotnull AND c.relkind = 'r' OFFSET 0) AS candidate"
                        + " WHERE (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(pg_catalog.format("
                        + "'SELECT EXISTS (SELECT 1 FROM ONLY %I.%I WHERE %I IS NULL) AS n', child_schema, child, col),"
                        + " false, true, '')))[1]::text = 'true'",
                "Fill in the NULLs (UPDATE ONLY child SET col = ... WHERE col IS NULL) and make the child's column"
                        + " NOT NULL (ALTER TABLE ONLY child ALTER COLUMN col SET NOT NULL), or drop NOT NULL from the"
                        + " parent (ALTER TABLE ONLY parent ALTER COLUMN col DROP NOT NULL); then run the upgrade again.",
                "pg_dump recreates children with INHERITS; pg_upgrade 18 check.c check_for_not_null_inheritance");
    }

    /**
     * PostgreSQL 16 requires a column of an inheritance child or partition to be generated exactly
     * when the parent's is; 12 to 15 accept a generated child column under a plain parent column.
     */
    static CompatibilityCheck inheritedGeneratedColumns() {
        return new CompatibilityCheck("inherited-generated-columns",
                "inheritance children or partitions whose column is generated while the parent's is not (or the reverse)",
                Scope.DATABASE, sourceAtLeast(1200, refusedFrom(1600)),
                (version, to) -> "SELECT pg_catalog.format('table %I.%I column %I is %s, but in its parent %I.%I it is %s',"
                        + " cn.nspname, c.relname, ca.attname,"
                        + " CASE WHEN ca.attgenerated <> '' THEN 'generated' ELSE 'not generated' END,"
                        + " pn.nspname, p.relname,"
                        + " CASE WHEN pa.attgenerated <> '' THEN 'generated' ELSE 'not generated' END)"
                        + " FROM pg_catalog.pg_inherits i"
                        + " JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
                        + " JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
                        + " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
                        + " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace"
                        + " JOIN pg_catalog.pg_attribute ca ON ca.attrelid = c.oid AND ca.attnum > 0 AND NOT ca.attisdropped"
                        + " JOIN pg_catalog.pg_attribute pa ON pa.attrelid = p.oid AND pa.attname = ca.attname"
                        + " AND NOT pa.attisdropped"
                        + " WHERE (ca.attgenerated <> '') <> (pa.attgenerated <> '')",
                "Make the child's column a plain one, in one transaction: detach the child (ALTER TABLE child NO"
                        + " INHERIT parent, or ALTER TABLE parent DETACH PARTITION child), ALTER TABLE child ALTER COLUMN"
                        + " col DROP EXPRESSION (PostgreSQL 13 and newer; on 12 recreate the child), attach it again"
                        + " (INHERIT parent, or ATTACH PARTITION child FOR VALUES ...); then run the upgrade again.",
                "PostgreSQL 16 release notes (generated columns and inheritance); pg_dump emits the child's expression");
    }

    /** PostgreSQL 14 removed postfix (right-unary) operators; their {@code CREATE OPERATOR} fails. */
    static CompatibilityCheck postfixOperators() {
        return new CompatibilityCheck("postfix-operators", "user-defined postfix operators",
                Scope.DATABASE, refusedFrom(1400),
                (version, to) -> "SELECT pg_catalog.format('postfix operator %I.%s (%s)', n.nspname, o.oprname,"
                        + " o.oprleft::pg_catalog.regtype)"
                        + " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
                        + " WHERE o.oprright = 0 AND o.oid >= " + USER_OBJECT
                        + " AND " + notInExtension("pg_operator", "o.oid"),
                "Drop them (DROP OPERATOR name (type, NONE)) and call the function instead, or make them prefix"
                        + " operators; then run the upgrade again.",
                "PostgreSQL 14 release notes; pg_upgrade check.c check_for_user_defined_postfix_ops");
    }

    /**
     * PostgreSQL 14 changed {@code array_append}, {@code array_cat} and friends from {@code anyarray}
     * / {@code anyelement} to {@code anycompatiblearray}; user aggregates and operators built on
     * the old signatures no longer find their function.
     */
    static CompatibilityCheck incompatiblePolymorphics() {
        return new CompatibilityCheck("incompatible-polymorphics",
                "aggregates or operators on array_append, array_cat ... with anyarray/anyelement arguments",
                Scope.DATABASE, refusedFrom(1400),
                (version, to) -> {
                    String old = "ARRAY['array_append(anyarray,anyelement)', 'array_cat(anyarray,anyarray)',"
                            + " 'array_prepend(anyelement,anyarray)', 'array_remove(anyarray,anyelement)',"
                            + " 'array_replace(anyarray,anyelement,anyelement)', 'array_position(anyarray,anyelement)',"
                            + " 'array_position(anyarray,anyelement,integer)', 'array_positions(anyarray,anyelement)',"
                            + " 'width_bucket(anyelement,anyarray)']::pg_catalog.regprocedure[]";
                    String types = "ARRAY['anyarray', 'anyelement']::pg_catalog.regtype[]";
                    return "SELECT pg_catalog.format('aggregate %s', p.oid::pg_catalog.regprocedure)"
                            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid"
                            + " WHERE p.oid >= " + USER_OBJECT + " AND (a.aggtransfn = ANY(" + old + ")"
                            + " OR a.aggfinalfn = ANY(" + old + ")) AND a.aggtranstype = ANY(" + types + ")"
                            + " AND " + notInExtension("pg_proc", "p.oid")
                            + " UNION ALL SELECT pg_catalog.format('operator %s', o.oid::pg_catalog.regoperator)"
                            + " FROM pg_catalog.pg_operator o WHERE o.oid >= " + USER_OBJECT
                            + " AND o.oprcode = ANY(" + old + ") AND o.oprleft = ANY(" + types + ")"
                            + " AND " + notInExtension("pg_operator", "o.oid");
                },
                "Drop them, then run the upgrade and recreate them on the new server with anycompatible /"
                        + " anycompatiblearray in place of anyelement / anyarray.",
                "PostgreSQL 14 release notes; pg_upgrade check.c check_for_incompatible_polymorphics");
    }

    /**
     * PostgreSQL 14 changed the signature of encoding conversion functions (they return the number of
     * converted bytes); {@code CREATE CONVERSION} with an old-style function fails.
     */
    static CompatibilityCheck userDefinedEncodingConversions() {
        return new CompatibilityCheck("user-defined-encoding-conversions", "user-defined encoding conversions",
                Scope.DATABASE, refusedFrom(1400),
                (version, to) -> "SELECT pg_catalog.format('conversion %I.%I (%s to %s, function %s)', n.nspname,"
                        + " c.conname, pg_catalog.pg_encoding_to_char(c.conforencoding),"
                        + " pg_catalog.pg_encoding_to_char(c.contoencoding), c.conproc::pg_catalog.regprocedure)"
                        + " FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace"
                        + " WHERE c.oid >= " + USER_OBJECT + " AND " + notInExtension("pg_conversion", "c.oid"),
                "Drop them (DROP CONVERSION ...) and their functions; after the upgrade, recreate them with functions"
                        + " of the PostgreSQL 14 signature.",
                "PostgreSQL 14 release notes; pg_upgrade check.c check_for_user_defined_encoding_conversions");
    }

    /** PostgreSQL 12 removed {@code abstime}, {@code reltime} and {@code tinterval}. */
    static CompatibilityCheck removedDataTypes() {
        return new CompatibilityCheck("removed-data-types", "columns of the removed types abstime, reltime, tinterval",
                Scope.DATABASE, refusedFrom(1200),
                (version, to) -> "SELECT pg_catalog.format('table %I.%I column %I has type %s', n.nspname, c.relname,"
                        + " a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))"
                        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                        + " LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype"
                        + " LEFT JOIN pg_catalog.pg_type e ON e.oid = COALESCE(b.oid, t.oid)"
                        + " LEFT JOIN pg_catalog.pg_type el ON el.oid = e.typelem"
                        + " WHERE c.oid >= " + USER_OBJECT + " AND a.attnum > 0 AND NOT a.attisdropped"
                        + " AND c.relkind IN ('r', 'm', 'p', 'f', 'c', 'v')"
                        + " AND (e.typname IN ('abstime', 'reltime', 'tinterval') OR (el.typname IN ('abstime',"
                        + " 'reltime', 'tinterval') AND e.typelem <> 0))"
                        + " AND " + notInExtension("pg_class", "c.oid"),
                "Change the columns to timestamptz / interval (ALTER TABLE ... ALTER COLUMN ... TYPE timestamptz USING"
                        + " col::timestamptz), then run the upgrade again.",
                "PostgreSQL 12 release notes; pg_upgrade check.c (abstime, reltime, tinterval)");
    }

    /** Views reading catalog columns the new major removed or renamed. */
    static CompatibilityCheck viewsOnRemovedCatalogColumns() {
        return new CompatibilityCheck("views-on-removed-catalog-columns",
                "views that read system view or catalog columns the new major removed",
                Scope.DATABASE, (from, to) -> !RemovedCatalogColumn.between(from, to).isEmpty(),
                (version, to) -> {
                    String values = RemovedCatalogColumn.between(CompatibilityChecker.majorOf(version), to).stream()
                            .map(c -> "('" + c.relation() + "', '" + c.column() + "', '" + c.replacement().replace("'", "''")
                                    + "')")
                            .collect(Collectors.joining(", "));
                    return "SELECT DISTINCT pg_catalog.format('view %I.%I reads %s.%s (use %s)', vn.nspname, v.relname,"
                            + " r.relname, ra.attname, removed.replacement)"
                            + " FROM pg_catalog.pg_depend d"
                            + " JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid"
                            + " JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class"
                            + " JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace"
                            + " JOIN pg_catalog.pg_class r ON r.oid = d.refobjid"
                            + " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = d.refobjsubid"
                            + " JOIN (VALUES " + values + ") AS removed(relation, col, replacement)"
                            + " ON removed.relation = r.relname::text AND removed.col = ra.attname::text"
                            + " WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
                            + " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
                            + " AND r.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND v.oid >= " + USER_OBJECT
                            + " AND " + notInExtension("pg_class", "v.oid");
                },
                "Change the views to the new columns (or drop them and recreate them after the upgrade), then run the"
                        + " upgrade again.",
                "release notes' migration sections of PostgreSQL 12, 15, 17, 18");
    }

    /** Role and database settings ({@code ALTER ROLE/DATABASE ... SET}) of parameters the new major removed. */
    static CompatibilityCheck removedParametersInRoleAndDatabaseSettings() {
        return new CompatibilityCheck("removed-parameters-in-role-and-database-settings",
                "role or database settings of configuration parameters the new major removed",
                Scope.CLUSTER, (from, to) -> !RemovedParameter.between(from, to).isEmpty(),
                (version, to) -> "SELECT pg_catalog.format('%s sets %s (use %s)', CASE"
                        + " WHEN s.setrole <> 0 AND s.setdatabase <> 0 THEN pg_catalog.format('role %s in database %s',"
                        + " pg_catalog.quote_ident(r.rolname), pg_catalog.quote_ident(d.datname))"
                        + " WHEN s.setrole <> 0 THEN 'role ' || pg_catalog.quote_ident(r.rolname)"
                        + " ELSE 'database ' || pg_catalog.quote_ident(d.datname) END, cfg, removed.replacement)"
                        + " FROM pg_catalog.pg_db_role_setting s"
                        + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
                        + " LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase"
                        + " CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS cfg"
                        + " JOIN (VALUES " + RemovedParameter.values(RemovedParameter.between(
                                CompatibilityChecker.majorOf(version), to)) + ") AS removed(name, replacement)"
                        + " ON pg_catalog.lower(pg_catalog.split_part(cfg, '=', 1)) = removed.name",
                "Remove the settings (ALTER ROLE ... RESET parameter, ALTER DATABASE ... RESET parameter) or set the"
                        + " replacement the message names after the upgrade; then run the upgrade again.",
                "release notes of PostgreSQL 14 and 16 (removed parameters)");
    }

    /** Function {@code SET} clauses of parameters the new major removed. */
    static CompatibilityCheck removedParametersInFunctionSettings() {
        return new CompatibilityCheck("removed-parameters-in-function-settings",
                "functions with a SET clause of a configuration parameter the new major removed",
                Scope.DATABASE, (from, to) -> !RemovedParameter.between(from, to).isEmpty(),
                (version, to) -> "SELECT pg_catalog.format('function %s sets %s (use %s)',"
                        + " p.oid::pg_catalog.regprocedure, cfg, removed.replacement)"
                        + " FROM pg_catalog.pg_proc p CROSS JOIN LATERAL pg_catalog.unnest(p.proconfig) AS cfg"
                        + " JOIN (VALUES " + RemovedParameter.values(RemovedParameter.between(
                                CompatibilityChecker.majorOf(version), to)) + ") AS removed(name, replacement)"
                        + " ON pg_catalog.lower(pg_catalog.split_part(cfg, '=', 1)) = removed.name"
                        + " WHERE p.oid >= " + USER_OBJECT + " AND " + notInExtension("pg_proc", "p.oid"),
                "Remove the SET clause (ALTER FUNCTION ... RESET parameter) or replace it after the upgrade; then"
                        + " run the upgrade again.",
                "release notes of PostgreSQL 14 and 16 (removed parameters)");
    }
}
