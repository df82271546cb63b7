package com.cloudogu.upgrade.migrations.support;

import java.util.Objects;

/**
 * Quoting for SQL statements the built-in migrations build from catalog names. Names come from
 * users and may hold spaces, quotes, capitals and non-ASCII letters, so they are always quoted.
 */
public final class SqlNames {

    private SqlNames() {
    }

    /**
     * @param name an identifier as stored in the catalog, e.g. {@code Order "Items"}
     * @return the name as a double-quoted identifier with inner quotes doubled, e.g. {@code "Order ""Items"""}
     */
    public static String identifier(String name) {
        Objects.requireNonNull(name, "name");
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * @param schema a schema name
     * @param name an object name in that schema
     * @return {@code "schema"."name"}, both quoted
     */
    public static String qualified(String schema, String name) {
        return identifier(schema) + "." + identifier(name);
    }
}
