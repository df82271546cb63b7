package com.cloudogu.upgrade.cli.bench;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.cli.it.CliProcess;
import com.cloudogu.upgrade.cli.it.EmbeddedDogu;
import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.OsUser;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import com.cloudogu.upgrade.testkit.volume.XfsVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bench/upgrade-bench}: times the seed's shell pipeline and dogu-upgrade on identical copies of
 * one old cluster, in one run on one machine, and prints a table with seconds, bytes, MB/s, the CLI's
 * peak memory and the ratio product/seed.
 *
 * <ul>
 *   <li>Seed pipeline (what the shell hooks do): {@code pg_dumpall} of the running old cluster into a
 *       file (as the database OS user, over its Unix socket); {@code initdb} of the new major; the new
 *       server started with its default configuration (as the official entrypoint's temporary server),
 *       {@code psql -f} of the dump, the server stopped.
 *   <li>Product: the real CLI jar in a child JVM with the hook scripts' JVM options: pre-upgrade with
 *       the old server running, then post-upgrade and startup with the new server binaries (startup
 *       includes initdb, the restore, ANALYZE and the migrations).
 * </ul>
 *
 * The old cluster is built once and copied ({@code cp -a} of the stopped data directory) for every
 * pipeline, so all start from identical files. Copies are not timed.
 *
 * <p>With {@code --pg-upgrade MODES} the product also runs the pg_upgrade method
 * ({@code DOGU_UPGRADE_METHOD=pg-upgrade}) in each mode, in the same rounds: copy and link on the work
 * directory's file system, clone on an XFS loop volume with reflink, where the seed pipeline runs a
 * second time ("seed xfs") so that clone is compared with the seed on the same file system. Link runs
 * with {@code DOGU_UPGRADE_PG_UPGRADE_ROLLBACK=none} (no pre-upgrade dump): the benchmark throws the
 * result away. A mode that fails is reported as not measured, with its log. With {@code --scales} every
 * scale is measured completely and a summary compares them (link's time should not grow with the data).
 */
public final class UpgradeBench {

    /** JVM options of the hook scripts (hooks/*.sh); keep in sync. */
    static final List<String> HOOK_JVM_OPTIONS = List.of("-XX:+UseSerialGC");
    private static final String OLD_PASSWORD = "bench-old-password";
    private static final String NEW_PASSWORD = "bench-new-password";
    private static final Pattern MIGRATION_DONE = Pattern.compile("MigrationRunner - migration (\\S+) (finished|skipped)");

    private final BenchOptions o;
    private final Path work;
    private final Path logs;
    private BenchReport report;
    private int round;
    private int scale;
    private XfsVolume xfs;

    private UpgradeBench(BenchOptions o, Path work) throws IOException {
        this.o = o;
        this.work = work;
        this.logs = Files.createDirectories(work.resolve("logs"));
    }

    /** @param args see {@link BenchOptions#USAGE} */
    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("upgrade-bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        Path work = o.work() != null ? Files.createDirectories(o.work()) : Files.createTempDirectory("dogu-upgrade-bench-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        int exit;
        try {
            exit = new UpgradeBench(o, work).run();
        } finally {
            if (!o.keep()) {
                deleteTree(work);
            }
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        PostgresBinaries oldBin = binaries(o.oldServer());
        PostgresBinaries newBin = binaries(o.newServer());
        String from = doguVersion(oldBin.version());
        String to = doguVersion(newBin.version());
        say("work directory " + work + (o.keep() ? " (kept)" : " (deleted at the end; --keep keeps it)"));
        say("machine: " + Machine.describe());
        boolean failed = false;
        Map<Integer, BenchReport> reports = new LinkedHashMap<>();
        try {
            if (o.pgUpgradeModes().contains("clone")) {
                xfs = XfsVolume.create(work.resolve("xfs"), o.xfsBytes());
                XfsVolume volume = xfs;
                // Ctrl-C or SIGTERM: no loop mount left behind (close is safe to call twice)
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        volume.close();
                    } catch (IOException e) {
                        System.err.println(e.getMessage());
                    }
                }, "bench-unmount-xfs"));
                say("XFS volume with reflink for clone mode (and a seed run on it): " + xfs.mountPoint());
            }
            for (int s : o.scales()) {
                scale = s;
                report = new BenchReport();
                measure(oldBin, newBin, from, to, reports.isEmpty());
                if (reports.size() == o.scales().size() - 1 && o.migrationDatabases() > 0) {
                    migrations();
                }
                reports.put(s, report);
                report.print(System.out);
                Files.writeString(work.resolve(o.scales().size() == 1 ? "report.txt" : "report-" + s + ".txt"),
                        report.toString());
                failed |= report.failed();
            }
            if (reports.size() > 1) {
                String summary = summary(reports);
                System.out.println();
                System.out.print(summary);
                Files.writeString(work.resolve("summary.txt"), summary);
            }
        } finally {
            if (xfs != null) {
                xfs.close();
            }
        }
        return failed ? 1 : 0;
    }

    private void measure(PostgresBinaries oldBin, PostgresBinaries newBin, String from, String to, boolean first)
            throws Exception {
        Path template = work.resolve("template");
        long clusterBytes;
        ClusterFingerprint before = null;
        long t0 = System.nanoTime();
        deleteTree(template);
        try (PostgresServer old = PostgresServer.builder(oldBin).dataDirectory(template).start()) {
            BenchDataset.load(old, o, scale, logs.resolve("dataset-" + scale + ".log"));
            old.execute("postgres", "ALTER ROLE postgres PASSWORD '" + OLD_PASSWORD + "'");
            clusterBytes = Long.parseLong(old.queryValue("postgres",
                    "SELECT sum(pg_database_size(oid)) FROM pg_database WHERE datallowconn"));
            if (verify()) {
                before = ClusterFingerprint.of(old);
            }
        }
        say(String.format(Locale.ROOT, "dataset: PostgreSQL %s, pgbench scale %d, %d-table database, 5 more databases,"
                + " %s in databases; built in %.0f s", oldBin.version(), scale, o.tables(), BenchReport.mb(clusterBytes),
                (System.nanoTime() - t0) / 1e9));
        report.header(o, scale, from, to, clusterBytes);

        for (round = 1; round <= o.rounds(); round++) {
            say("round " + round + " of " + o.rounds() + ", scale " + scale);
            seed(template, oldBin, newBin, work, "seed");
            if (xfs != null) {
                seed(template, oldBin, newBin, xfs.mountPoint(), "seed xfs");
            }
            ClusterFingerprint expected = round == 1 ? before : null;
            for (String mode : o.pgUpgradeModes()) {
                pgUpgrade(template, mode, oldBin, newBin, from, to, expected);
            }
            for (String strategy : o.strategies()) {
                Path root = product(template, strategy, "seed", Map.of("DOGU_UPGRADE_BACKUP_STRATEGY", strategy,
                        "DOGU_UPGRADE_JOBS", Integer.toString(o.jobs())), work, oldBin, newBin, from, to, expected);
                if (first && round == 1 && strategy.equals(o.strategies().get(0))) {
                    noops(root, newBin, to);
                }
            }
        }
    }

    private boolean verify() {
        // The fingerprint aggregates each table's rows in the server's memory: fine up to a few million rows.
        return o.verify() && scale <= 20;
    }

    private void pgUpgrade(Path template, String mode, PostgresBinaries oldBin, PostgresBinaries newBin, String from,
                           String to, ClusterFingerprint before) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOGU_UPGRADE_METHOD", "pg-upgrade");
        env.put("DOGU_UPGRADE_PG_UPGRADE_MODE", mode);
        if (mode.equals("link")) {
            // no pre-upgrade dump as link mode's rollback: the benchmark's clusters are throwaway copies
            env.put("DOGU_UPGRADE_PG_UPGRADE_ROLLBACK", "none");
        }
        boolean onXfs = mode.equals("clone");
        String label = "pg-upgrade " + mode;
        try {
            Path root = product(template, label, onXfs ? "seed xfs" : "seed", env, onXfs ? xfs.mountPoint() : work,
                    oldBin, newBin, from, to, before);
            // the next pipeline needs the room (clone shares extents, but copy and link leave a cluster each)
            deleteTree(root);
        } catch (IllegalStateException e) {
            // BenchProcess names the exit code and the log first, then the log's tail: keep the CLI's error line
            List<String> lines = e.getMessage().lines().toList();
            String error = lines.stream().filter(l -> l.startsWith("dogu-upgrade: error")).reduce((a, b) -> b)
                    .orElse(lines.get(lines.size() - 1));
            String why = lines.get(0).replaceFirst(":$", "") + ": " + error;
            say("product (" + label + ") failed: " + why);
            report.unmeasured(label, why);
        }
    }

    // ---- seed pipeline ----------------------------------------------------------------------

    private void seed(Path template, PostgresBinaries oldBin, PostgresBinaries newBin, Path parent, String label)
            throws Exception {
        String name = label.replace(' ', '-');
        deleteTree(parent.resolve(name));
        Path dir = Files.createDirectories(parent.resolve(name));
        Path old = dir.resolve("old");
        copy(template, old);
        Path socket = Files.createDirectories(dir.resolve("socket"));
        Path dump = dir.resolve("dumpall.sql");
        Path newData = dir.resolve("new");
        OsUser.chownRecursive(dir, OsUser.serverUser());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = logs.resolve("s" + scale + "-r" + round + "-" + name + ".log");
        String user = OsUser.serverUser();
        ClientTools tools = ClientTools.locate();
        say(label + ": pg_dumpall of the old cluster");
        BenchProcess.Result dumpall;
        try (PostgresServer server = PostgresServer.builder(oldBin).dataDirectory(old).start()) {
            dumpall = BenchProcess.run(tools.command("pg_dumpall", "-h", server.socketDirectory().toString(),
                    "-p", Integer.toString(server.port()), "-U", "postgres", "-f", dump.toString()), user, null, log).ok();
        }
        long bytes = Files.size(dump);
        say(label + ": initdb of PostgreSQL " + newBin.version());
        Path pw = dir.resolve("pw");
        Files.writeString(pw, NEW_PASSWORD + "\n");
        OsUser.chownRecursive(pw, user);
        BenchProcess.Result initdb = BenchProcess.run(List.of(newBin.tool("initdb").toString(), "-D", newData.toString(),
                "-U", "postgres", "--auth-local=peer", "--auth-host=md5", "--encoding=UTF8", "--lc-collate=C.UTF-8",
                "--lc-ctype=C.UTF-8", "--pwfile=" + pw), user, null, log).ok();
        say(label + ": psql -f into the new cluster");
        BenchProcess.Result start = BenchProcess.run(List.of(newBin.tool("pg_ctl").toString(), "-D", newData.toString(),
                "-w", "-t", "600", "-l", dir.resolve("server.log").toString(), "-o",
                "-c listen_addresses='' -c unix_socket_directories=" + socket, "start"), user, null, log).ok();
        BenchProcess.Result psql = BenchProcess.run(tools.command("psql", "-X", "-q", "-o", "/dev/null",
                "-h", socket.toString(), "-U", "postgres", "-d", "postgres", "-f", dump.toString()), user, null, log);
        BenchProcess.Result stop = BenchProcess.run(List.of(newBin.tool("pg_ctl").toString(), "-D", newData.toString(),
                "-m", "fast", "-w", "-t", "600", "stop"), user, null, log).ok();
        double restore = start.seconds() + psql.seconds() + stop.seconds();
        report.seed(label, dumpall.seconds(), bytes, initdb.seconds(), restore, errors(log));
        deleteTree(old);
        Files.deleteIfExists(dump);
        deleteTree(newData);
    }

    // ---- product ----------------------------------------------------------------------------

    private Path product(Path template, String strategy, String seed, Map<String, String> extra, Path parent,
                         PostgresBinaries oldBin, PostgresBinaries newBin, String from, String to,
                         ClusterFingerprint before) throws Exception {
        String name = "product-" + strategy.replace(' ', '-');
        deleteTree(parent.resolve(name));
        Path root = Files.createDirectories(parent.resolve(name));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            copy(template, dogu.pgdata(oldBin.version()));
            dogu.setPassword(NEW_PASSWORD);
            dogu.startServer(oldBin);
            say("product (" + strategy + "): pre-upgrade " + from + " " + to);
            String r = "s" + scale + "-r" + round + "-";
            String tag = strategy.replace(' ', '-');
            BenchProcess.Result pre = cli(dogu.environment(oldBin), extra, r + "pre-" + tag, "pre-upgrade", from, to);
            String backup = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElse("");
            long bytes = backup.isEmpty() ? -1 : sizeOf(Path.of(backup));
            dogu.stopServer();
            say("product (" + strategy + "): post-upgrade " + from + " " + to);
            BenchProcess.Result post = cli(dogu.environment(newBin), extra, r + "post-" + tag, "post-upgrade", from, to);
            say("product (" + strategy + "): startup");
            BenchProcess.Result startup = cli(dogu.environment(newBin), extra, r + "startup-" + tag, "startup");
            String verdict = "not verified";
            if (before != null) {
                try (PostgresServer upgraded = PostgresServer.builder(newBin).dataDirectory(dogu.pgdata(newBin.version()))
                        .superuserPassword(NEW_PASSWORD).start()) {
                    List<ClusterFingerprint.Difference> diff = before.diff(ClusterFingerprint.of(upgraded));
                    verdict = diff.isEmpty() ? "verified identical (" + before.items().size() + " fingerprint items)"
                            : "DIFFERS: " + diff.size() + " items, first " + diff.get(0);
                }
            }
            report.product(strategy, seed, pre, post, startup, bytes, verdict, progressLines(startup.log())
                    + progressLines(pre.log()), pgUpgradeSeconds(startup.log()));
        }
        return root;
    }

    private BenchProcess.Result cli(Map<String, String> env, Map<String, String> extra, String name, String... args)
            throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + o.xmx()));
        cmd.addAll(HOOK_JVM_OPTIONS);
        cmd.addAll(List.of("-jar", CliProcess.defaultJar().toString()));
        cmd.addAll(List.of(args));
        return BenchProcess.run(cmd, null, all, logs.resolve(name + ".log")).ok();
    }

    private static long errors(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("ERROR:")).count();
        }
    }

    /** @return how long the pg_upgrade run that succeeded took, as the CLI logged it; -1 if none ran */
    static double pgUpgradeSeconds(Path log) throws IOException {
        java.util.regex.Pattern finished = java.util.regex.Pattern.compile(
                "PgUpgradeRun - pg_upgrade --\\S+ from .* finished in (\\d+) ms");
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(finished::matcher).filter(java.util.regex.Matcher::find)
                    .mapToDouble(m -> Long.parseLong(m.group(1)) / 1000.0).reduce((a, b) -> b).orElse(-1);
        }
    }

    private static int progressLines(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return (int) lines.filter(l -> l.contains("ProgressReporter")).count();
        }
    }

    // ---- no-op hooks ------------------------------------------------------------------------

    private void noops(Path root, PostgresBinaries newBin, String to) throws Exception {
        if (o.noopRuns() == 0) {
            return;
        }
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            Map<String, String> env = dogu.environment(newBin);
            say("no-op hooks: " + o.noopRuns() + " runs each of startup and post-upgrade " + to + " " + to);
            List<BenchProcess.Result> startup = new ArrayList<>();
            List<BenchProcess.Result> post = new ArrayList<>();
            for (int i = 0; i < o.noopRuns(); i++) {
                startup.add(cli(env, Map.of(), "noop-startup", "startup"));
                post.add(cli(env, Map.of(), "noop-post-upgrade", "post-upgrade", to, to));
            }
            report.noop("startup (nothing pending)", startup);
            report.noop("post-upgrade " + to + " " + to, post);
        }
    }

    // ---- migrations 02 + 03 on many databases ----------------------------------------------

    private void migrations() throws Exception {
        // Clusters initialized before 14.12 (02) and 14.14 (03) need the repairs: a minor upgrade
        // 14.10 -> 14.19 runs them in post-upgrade, in every database.
        String oldVersion = "14.10.0";
        String newVersion = "14.19.0";
        Path root = Files.createDirectories(work.resolve("migrations"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        say("migrations: " + o.migrationDatabases() + " databases on PostgreSQL " + oldVersion + ", minor upgrade to "
                + newVersion);
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(oldVersion);
            for (int i = 1; i <= o.migrationDatabases(); i++) {
                String db = String.format(Locale.ROOT, "db_%03d", i);
                old.execute("postgres", "CREATE DATABASE " + db);
                old.execute(db, "CREATE TABLE parent (id int PRIMARY KEY);"
                        + " CREATE TABLE child (id int, parent_id int REFERENCES parent) PARTITION BY RANGE (id);"
                        + " CREATE TABLE child_1 PARTITION OF child FOR VALUES FROM (0) TO (1000)");
            }
            String from = doguVersion(oldVersion);
            String to = doguVersion(newVersion);
            cli(dogu.environment(oldVersion), Map.of(), "migrations-pre", "pre-upgrade", from, to);
            dogu.stopServer();
            BenchProcess.Result post = cli(dogu.environment(newVersion), Map.of(),
                    "migrations-post", "post-upgrade", from, to);
            // Each migration's time from its log lines, so a migration that only checked every
            // database and found nothing to repair ("skipped: does not apply") counts too.
            Map<String, Long> perMigration = new LinkedHashMap<>();
            Instant previous = null;
            for (String line : Files.readAllLines(post.log())) {
                Matcher m = MIGRATION_DONE.matcher(line);
                if (line.contains("MigrationRegistry - Discovered")) {
                    previous = Instant.parse(line.substring(0, line.indexOf(' ')));
                } else if (m.find() && previous != null) {
                    Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
                    perMigration.put(m.group(1) + (m.group(2).equals("skipped") ? " (checked, nothing to do)" : ""),
                            Duration.between(previous, at).toMillis());
                    previous = at;
                }
            }
            report.migrations(o.migrationDatabases(), post, perMigration);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private String summary(Map<Integer, BenchReport> reports) {
        List<String> pipelines = new ArrayList<>(List.of("seed"));
        if (xfs != null) {
            pipelines.add("seed xfs");
        }
        pipelines.addAll(o.strategies());
        o.pgUpgradeModes().forEach(m -> pipelines.add("pg-upgrade " + m));
        StringBuilder out = new StringBuilder("summary: median total seconds per pipeline (ratio to the seed on the"
                + " same file system)\n");
        out.append(String.format(Locale.ROOT, "%-18s", "pipeline"));
        reports.keySet().forEach(s -> out.append(String.format(Locale.ROOT, " %22s", "scale " + s)));
        out.append('\n');
        for (String p : pipelines) {
            out.append(String.format(Locale.ROOT, "%-18s", p));
            for (BenchReport r : reports.values()) {
                double seconds = r.medianTotal(p);
                double ratio = p.startsWith("seed") ? Double.NaN : r.ratio(p);
                out.append(String.format(Locale.ROOT, " %22s", Double.isNaN(seconds) ? "not measured"
                        : String.format(Locale.ROOT, "%.2f s", seconds)
                        + (Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, " (%.2fx)", ratio))));
            }
            out.append('\n');
        }
        List<Integer> scales = new ArrayList<>(reports.keySet());
        int lo = scales.get(0);
        int hi = scales.get(scales.size() - 1);
        for (String p : pipelines) {
            double a = reports.get(lo).medianTotal(p);
            double b = reports.get(hi).medianTotal(p);
            if (!Double.isNaN(a) && !Double.isNaN(b)) {
                String target = p.equals("pg-upgrade link") ? String.format(Locale.ROOT, " (target <= 1.3: %s)",
                        b / a <= 1.3 ? "met" : "MISSED") : "";
                out.append(String.format(Locale.ROOT, "  %s: scale %d / scale %d = %.2f%s%n", p, hi, lo, b / a, target));
            }
        }
        return out.toString();
    }

    /** @param spec a zonky version, or {@code debian-N} for Debian's complete installation of major N */
    static PostgresBinaries binaries(String spec) {
        if (spec.startsWith("debian-")) {
            return PostgresBinaries.of(DebianInstallations.get(Integer.parseInt(spec.substring("debian-".length()))));
        }
        return PostgresBinaries.of(spec);
    }

    static String doguVersion(String zonky) {
        String[] p = zonky.split("\\.");
        return p[0] + "." + p[1] + "-1";
    }

    private static void copy(Path from, Path to) throws IOException, InterruptedException {
        Files.createDirectories(to.getParent());
        if (Files.exists(to)) {
            deleteTree(to);
        }
        Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("cp -a " + from + " " + to + " failed");
        }
        // A real old cluster was shut down long before the upgrade: its files are on disk, not dirty in
        // the page cache. Unflushed, this copy's 0.4-2 GB would be written back during the timed
        // pipeline that follows (and slow whichever runs first).
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (sync.waitFor() != 0) {
            throw new IOException("sync after copying " + to + " failed");
        }
    }

    static long sizeOf(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return Files.size(p);
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }

    static void say(String line) {
        System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").format(ZonedDateTime.now()) + " ==> " + line);
        System.out.flush();
    }
}
