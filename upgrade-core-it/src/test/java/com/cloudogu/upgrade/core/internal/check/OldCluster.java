package com.cloudogu.upgrade.core.internal.check;

import com.cloudogu.upgrade.core.CheckReport;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Test support: the checks against a real old server through the real {@code psql} path, and the
 * proof that what a check finds really breaks a restore (dump with Debian's pg_dump/pg_dumpall 15,
 * restore with psql stopping on the first error, exactly as the restore does).
 */
final class OldCluster {

    private OldCluster() {
    }

    /** @param server the old server @return its catalog, reached as the dogu reaches it (libpq variables, psql) */
    static RunningClusterCatalog catalog(PostgresServer server) {
        com.cloudogu.upgrade.testkit.ClientTools client = com.cloudogu.upgrade.testkit.ClientTools.locate();
        ProcessRunner runner = ProcessRunner.forCurrentProcess();
        return new RunningClusterCatalog(new ClientTools(new Executables(client.directory().toString()), runner), runner,
                server.osUser(), Map.of("PGHOST", server.socketDirectory().toString(),
                        "PGPORT", Integer.toString(server.port()), "PGUSER", server.superuser()));
    }

    /**
     * @param server the old server
     * @param from dogu version upgraded from, e.g. {@code 14.19-1}
     * @param to dogu version upgraded to
     * @return the built-in checks' report
     */
    static CheckReport check(PostgresServer server, String from, String to) {
        return new CompatibilityChecker(catalog(server), BuiltinChecks.all())
                .check(DoguVersion.parse(from), DoguVersion.parse(to));
    }

    /** @param report a report @param id a check id @return that check's findings */
    static List<String> findings(CheckReport report, String id) {
        return report.results().stream().filter(r -> r.id().equals(id)).findFirst()
                .map(CheckReport.Result::findings).orElseThrow(() -> new AssertionError(id + " did not run"));
    }

    /**
     * Dumps one database of {@code source} and restores it into {@code target}'s {@code postgres}
     * database, stopping on the first error.
     *
     * @return psql's standard error; the restore is asserted to have failed
     */
    static String restoreFails(PostgresServer source, String database, PostgresServer target, Path dir)
            throws IOException, InterruptedException {
        Path dump = dir.resolve("dump-" + database + ".sql");
        run(tool("pg_dump", "-h", source.socketDirectory().toString(), "-p", Integer.toString(source.port()), "-U",
                source.superuser(), "-f", dump.toString(), "-d", "dbname=" + database), true);
        return restore(dump, target);
    }

    /** Like {@link #restoreFails} for the whole cluster with pg_dumpall (the superuser's own role left out). */
    static String clusterRestoreFails(PostgresServer source, PostgresServer target, Path dir)
            throws IOException, InterruptedException {
        Path dump = dir.resolve("dumpall.sql");
        run(tool("pg_dumpall", "-h", source.socketDirectory().toString(), "-p", Integer.toString(source.port()), "-U",
                source.superuser(), "-f", dump.toString()), true);
        List<String> lines = Files.readAllLines(dump, StandardCharsets.ISO_8859_1); // bytes through unchanged
        Files.write(dump, lines.stream().filter(l -> !l.equals("CREATE ROLE " + source.superuser() + ";"))
                .collect(Collectors.toList()), StandardCharsets.ISO_8859_1);
        return restore(dump, target);
    }

    private static String restore(Path dump, PostgresServer target) throws IOException, InterruptedException {
        Result r = run(tool("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-h",
                target.socketDirectory().toString(), "-p", Integer.toString(target.port()), "-U", target.superuser(),
                "-d", "postgres", "-f", dump.toString()), false);
        assertThat(r.exit).as("psql exit code of the restore into PostgreSQL %s; stderr: %s", target.version(), r.stderr)
                .isNotZero();
        return r.stderr;
    }

    private static List<String> tool(String name, String... args) {
        return com.cloudogu.upgrade.testkit.ClientTools.locate().command(name, args);
    }

    private record Result(int exit, String stderr) {
    }

    private static Result run(List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (mustSucceed && exit != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + exit + ": " + err);
        }
        return new Result(exit, err);
    }
}
