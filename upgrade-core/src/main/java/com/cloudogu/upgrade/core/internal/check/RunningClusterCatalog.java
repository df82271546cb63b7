package com.cloudogu.upgrade.core.internal.check;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Catalog queries on the running old server, reached like the backup reaches it: {@code psql}
 * through libpq's environment ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}) as the database OS
 * user. Output is unaligned and tuples-only with a zero byte after every field and every row
 * ({@code -z -0}): no name can contain a zero byte, so names with bars, quotes or line breaks come
 * back whole and nothing human-oriented is ever parsed. Values arrive in UTF-8
 * ({@code PGCLIENTENCODING}).
 *
 * <p>Database names are read as the bytes stored in {@code pg_database} (hex) and written into a
 * {@code \connect} of a script on psql's standard input, never into a command-line argument: a name
 * in another encoding than the JVM's would not survive the trip through {@code argv}, and pg_dumpall
 * connects with exactly these bytes too.
 */
public final class RunningClusterCatalog implements ClusterCatalog {

    private static final String ADMIN_DATABASE = "template1";

    private final ClientTools tools;
    private final ProcessRunner runner;
    private final String osUser;
    private final Map<String, String> connection;

    /**
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param osUser the database OS user (peer authentication on the local socket)
     */
    public RunningClusterCatalog(ClientTools tools, ProcessRunner runner, String osUser) {
        this(tools, runner, osUser, Map.of());
    }

    /**
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param osUser the database OS user (peer authentication on the local socket)
     * @param connection libpq variables on top of the process environment, e.g. {@code PGHOST}
     */
    public RunningClusterCatalog(ClientTools tools, ProcessRunner runner, String osUser, Map<String, String> connection) {
        this.tools = tools;
        this.runner = runner;
        this.osUser = osUser;
        this.connection = Map.copyOf(connection);
    }

    @Override
    public int serverVersionNum() {
        List<String> v = queryCluster("SELECT current_setting('server_version_num')");
        if (v.size() != 1 || !v.get(0).strip().matches("\\d+")) {
            throw new UpgradeException(ErrorCode.SERVER, "Unexpected answer from the running server to"
                    + " server_version_num: " + v + ".");
        }
        return Integer.parseInt(v.get(0).strip());
    }

    @Override
    public List<String> queryCluster(String sql) {
        return fields(psql(sql.getBytes(StandardCharsets.UTF_8), "query the catalog of the running server"));
    }

    @Override
    public List<Database> databases() {
        // what pg_dumpall dumps: every valid database that accepts connections except template0; the
        // name's stored bytes (converting from the server encoding to itself changes nothing)
        List<Database> dbs = new ArrayList<>();
        for (String hex : queryCluster("SELECT pg_catalog.encode(pg_catalog.convert_to(datname::text,"
                + " pg_catalog.current_setting('server_encoding')), 'hex') FROM pg_catalog.pg_database"
                + " WHERE datallowconn AND datname <> 'template0' AND datconnlimit <> -2 ORDER BY datname")) {
            dbs.add(new Database(HexFormat.of().parseHex(hex)));
        }
        return dbs;
    }

    @Override
    public List<Row> queryEach(List<Database> databases, List<String> queries) {
        if (databases.isEmpty() || queries.isEmpty()) {
            return List.of();
        }
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        for (int d = 0; d < databases.size(); d++) {
            script.writeBytes(connectLine(databases.get(d).rawName()));
            for (int q = 0; q < queries.size(); q++) {
                script.writeBytes(("SELECT " + d + ", " + q + ", f FROM (" + queries.get(q) + ") AS q(f);\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        List<String> f = fields(psql(script.toByteArray(), "query the catalogs of every database on the running server"));
        if (f.size() % 3 != 0) {
            throw new UpgradeException(ErrorCode.SERVER, "Unexpected answer from the running server: " + f.size()
                    + " values, not rows of 3.");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < f.size(); i += 3) {
            rows.add(new Row(Integer.parseInt(f.get(i)), Integer.parseInt(f.get(i + 1)), f.get(i + 2)));
        }
        return rows;
    }

    /**
     * @param rawName a database name's bytes
     * @return {@code \connect -reuse-previous=on "dbname='name'"} as pg_dumpall writes it: backslash and
     *     single quote escaped in the connection string, double quotes doubled for psql
     */
    static byte[] connectLine(byte[] rawName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("\\connect -reuse-previous=on \"dbname='".getBytes(StandardCharsets.US_ASCII));
        for (byte b : rawName) {
            if (b == '\\' || b == '\'') {
                out.write('\\');
            }
            if (b == '"') {
                out.write('"');
            }
            out.write(b);
        }
        out.writeBytes("'\"\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private String psql(byte[] script, String what) {
        Command.Builder psql = Command.of(tools.path("psql").toString(), "-X", "-w", "-A", "-t", "-q", "-z", "-0",
                "-v", "ON_ERROR_STOP=1", "-d", ADMIN_DATABASE, "-f", "-");
        if (System.getenv("PGCONNECT_TIMEOUT") == null) {
            psql.env("PGCONNECT_TIMEOUT", "30"); // plan must not hang on an unreachable host
        }
        connection.forEach(psql::env);
        return runner.runChecked(psql.env("PGCLIENTENCODING", "UTF8").stdin(() -> new ByteArrayInputStream(script))
                        .runAs(osUser).captureStdout().timeout(Duration.ofMinutes(10)).label("psql").build(),
                ErrorCode.SERVER, what + " (check PGHOST/PGPORT/PGUSER and that the old server runs)").stdout();
    }

    /** @param out psql output with {@code -A -t -z -0} @return every field, in order */
    static List<String> fields(String out) {
        List<String> values = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length(); i++) {
            if (out.charAt(i) == '\0') {
                values.add(out.substring(start, i));
                start = i + 1;
            }
        }
        if (!out.substring(start).isBlank()) {
            throw new UpgradeException(ErrorCode.SERVER, "Unexpected answer from the running server: output does not"
                    + " end with a record separator: '" + out.substring(start) + "'.");
        }
        return values;
    }
}
