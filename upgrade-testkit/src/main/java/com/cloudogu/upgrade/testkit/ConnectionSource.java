package com.cloudogu.upgrade.testkit;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a superuser connection to a database of one cluster, e.g. {@code server::connect}. */
@FunctionalInterface
public interface ConnectionSource {

    /**
     * @param database the database name, used verbatim
     * @return a new connection the caller closes
     * @throws SQLException if connecting failed
     */
    Connection open(String database) throws SQLException;
}
