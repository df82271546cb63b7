package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PostgreSQL client programs ({@code psql}, {@code pg_dumpall}) found on {@code PATH}. */
public final class ClientTools {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)?)");

    private final Executables executables;
    private final ProcessRunner runner;

    /**
     * @param executables where to look
     * @param runner runs {@code --version}
     */
    public ClientTools(Executables executables, ProcessRunner runner) {
        this.executables = executables;
        this.runner = runner;
    }

    /** @param tool e.g. {@code pg_dumpall} @return its path @throws UpgradeException if not on PATH */
    public Path path(String tool) {
        return executables.find(tool).orElseThrow(() -> new UpgradeException(ErrorCode.PROCESS, "'" + tool
                + "' is not on PATH (" + executables.path() + "). Install the PostgreSQL client tools in the image."));
    }

    /** @param tool e.g. {@code psql} @return its version, e.g. {@code 15.18} */
    public String version(String tool) {
        String out = runner.runChecked(Command.of(path(tool).toString(), "--version").captureStdout().build(),
                ErrorCode.PROCESS, "read the version of " + tool).stdout();
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new UpgradeException(ErrorCode.PROCESS, "Cannot read the version of " + tool + " from '" + out.strip() + "'.");
        }
        return m.group(1);
    }

    /**
     * @param a version such as {@code 15.18}
     * @param b another
     * @return negative, zero or positive as {@code a} is older, equal or newer
     */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    /**
     * @param database a database name
     * @return a libpq connection string naming it, so that no name (one with {@code =}, say) is misread as one
     */
    public static String connectionString(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
