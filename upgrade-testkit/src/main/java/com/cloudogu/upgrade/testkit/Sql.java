package com.cloudogu.upgrade.testkit;

/** SQL quoting for statements built from names (database names may contain spaces and capitals). */
final class Sql {

    private Sql() {}

    /** @return the name as a double-quoted identifier, inner quotes doubled */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** @return the text as a single-quoted literal (standard_conforming_strings is on since 9.1) */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
