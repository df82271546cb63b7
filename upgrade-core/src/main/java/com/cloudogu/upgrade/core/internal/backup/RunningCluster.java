package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.time.Duration;

/**
 * The old cluster, still served by the old container's running server, reached the way the dogu's
 * own tools reach it: through libpq's environment ({@code PGHOST}, {@code PGPORT}, {@code PGUSER},
 * {@code PGPASSFILE}) as the database OS user. Queries return one unaligned, tuples-only row
 * whose field count is checked, so no human-oriented psql output is ever parsed.
 */
public final class RunningCluster {

    // Encoding and locale names never contain a bar; the field count is checked anyway.
    private static final String FIELD = "|";

    private final ClientTools tools;
    private final ProcessRunner runner;
    private final String osUser;

    /**
     * @param tools client programs
     * @param runner runs them
     * @param osUser the database OS user (peer authentication on the socket)
     */
    public RunningCluster(ClientTools tools, ProcessRunner runner, String osUser) {
        this.tools = tools;
        this.runner = runner;
        this.osUser = osUser;
    }

    /** @return what a dump needs to know about the cluster */
    public Facts facts() {
        String out = runner.runChecked(Command.of(tools.path("psql").toString(), "-X", "-w", "-A", "-t", "-q",
                        "-F", FIELD, "-d", "template1", "-c", FACTS_SQL)
                .runAs(osUser).captureStdout().timeout(Duration.ofMinutes(2)).build(),
                ErrorCode.BACKUP_FAILED, "query the running server (check PGHOST/PGPORT/PGUSER and that the old server runs)")
                .stdout().strip();
        return parse(out);
    }

    /**
     * The facts in one row. The provider columns through {@code to_jsonb}, so that one statement
     * serves every major: {@code datlocprovider} exists from 15 on, the provider's locale is
     * {@code daticulocale} in 15 and 16 and {@code datlocale} from 17 on.
     */
    static final String FACTS_SQL = "SELECT (SELECT sum(pg_database_size(oid)) FROM pg_database WHERE datallowconn),"
            + " pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, current_setting('data_checksums'),"
            + " current_setting('server_version_num'), current_setting('data_directory'),"
            + " (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'),"
            + " coalesce(to_jsonb(d)->>'datlocprovider', 'c'),"
            + " coalesce(to_jsonb(d)->>'datlocale', to_jsonb(d)->>'daticulocale', '')"
            + " FROM pg_database d WHERE d.datname = 'template1'";

    /** @param row the answer to {@link #FACTS_SQL}, fields separated by {@value #FIELD} */
    static Facts parse(String row) {
        String[] f = row.split(java.util.regex.Pattern.quote(FIELD), -1);
        if (f.length != 10) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Unexpected answer from the running server: " + f.length
                    + " fields instead of 10: '" + row + "'.");
        }
        // wal_segment_size is reported in bytes since PostgreSQL 11 (unit 'B')
        ClusterSettings settings = new ClusterSettings(f[1], f[2], f[3], "on".equals(f[4]), Long.parseLong(f[7]),
                ClusterSettings.providerName(f[8]), f[9]);
        return new Facts(Long.parseLong(f[0]), settings, Integer.parseInt(f[5]), java.nio.file.Path.of(f[6]));
    }

    /**
     * @param sizeBytes total size of all connectable databases
     * @param settings initdb settings to carry over
     * @param serverVersionNum {@code server_version_num}
     * @param dataDirectory the server's {@code data_directory}: where the cluster being dumped lives
     */
    public record Facts(long sizeBytes, ClusterSettings settings, int serverVersionNum,
                        java.nio.file.Path dataDirectory) {
    }
}
