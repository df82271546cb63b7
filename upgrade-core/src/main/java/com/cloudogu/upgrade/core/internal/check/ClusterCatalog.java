package com.cloudogu.upgrade.core.internal.check;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Read-only catalog access to the old cluster that the compatibility checks need. */
public interface ClusterCatalog {

    /** @return the server's {@code server_version_num}, e.g. {@code 141900} */
    int serverVersionNum();

    /**
     * @param sql a query returning one text column, run in {@code template1} (shared catalogs)
     * @return its values, in order
     */
    List<String> queryCluster(String sql);

    /** @return the databases the backup dumps, in name order */
    List<Database> databases();

    /**
     * Runs every query in every database.
     *
     * @param databases where to run them
     * @param queries queries returning one text column each
     * @return every value, with the database and query it came from
     */
    List<Row> queryEach(List<Database> databases, List<String> queries);

    /**
     * A database, with its name exactly as stored: the bytes its creator sent, which need not be
     * valid in any one encoding (see the non-ASCII name check).
     *
     * @param rawName the name's bytes, used to connect
     */
    record Database(byte[] rawName) {
        /** @return the name for messages (UTF-8, as most names are) */
        public String name() {
            return new String(rawName, StandardCharsets.UTF_8);
        }
    }

    /**
     * @param database index into the databases
     * @param query index into the queries
     * @param value the value
     */
    record Row(int database, int query, String value) {
    }
}
