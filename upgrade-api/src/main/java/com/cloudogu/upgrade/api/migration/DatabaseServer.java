package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.Api;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The temporary PostgreSQL server a migration runs against (Unix socket only). */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface DatabaseServer {

    /** @return the server's major version as in {@code PG_VERSION}, e.g. {@code 14} */
    int majorVersion();

    /** @return {@code server_version_num}, e.g. {@code 141500} */
    int versionNumber();

    /** @return the bootstrap superuser name */
    String superuser();

    /** @return the installation's share directory (where {@code fix-CVE-2024-4317.sql} lives) */
    Path shareDirectory();

    /** @return the installation's binary directory */
    Path binDirectory();

    /**
     * Opens a new superuser connection; the caller closes it.
     *
     * @param database the database name, used verbatim (no quoting needed)
     * @return an open connection
     * @throws SQLException if connecting failed
     */
    Connection connect(String database) throws SQLException;

    /**
     * @return the names of all databases that accept connections, {@code template1} included,
     *     {@code template0} excluded, in name order
     * @throws SQLException if the catalog could not be read
     */
    List<String> connectableDatabases() throws SQLException;
}
