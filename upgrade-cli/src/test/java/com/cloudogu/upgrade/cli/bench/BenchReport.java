package com.cloudogu.upgrade.cli.bench;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the benchmark's figures and prints them as one table, with the targets of the issue. */
final class BenchReport {

    private static final double PLAIN_TARGET = 1.05;
    private static final double PARALLEL_TARGET = 0.6;
    private static final double NOOP_TARGET_SECONDS = 0.4;
    private static final double MIGRATIONS_TARGET_SECONDS = 10;
    private static final String ROW = "%-18s %-30s %9s %11s %9s %10s%n";

    private final StringBuilder out = new StringBuilder();
    private double seedTotal = -1;
    private boolean failed;

    void header(BenchOptions o, String from, String to, long clusterBytes) {
        line("dogu-upgrade benchmark, " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(ZonedDateTime.now(ZoneOffset.UTC)));
        line("PostgreSQL " + o.oldServer() + " (" + from + ") -> " + o.newServer() + " (" + to + "); pgbench scale "
                + o.scale() + ", " + o.tables() + "-table database, 5 more databases; " + mb(clusterBytes)
                + " in databases");
        line("machine: " + Machine.describe());
        line("CLI JVM: -Xmx" + o.xmx() + " " + String.join(" ", UpgradeBench.HOOK_JVM_OPTIONS) + "; parallel jobs "
                + o.jobs());
        line("");
        out.append(String.format(Locale.ROOT, ROW, "pipeline", "step", "seconds", "bytes", "MB/s", "peak RSS"));
    }

    void seed(double dumpSeconds, long bytes, double initdbSeconds, double restoreSeconds, long psqlErrors) {
        row("seed", "pg_dumpall", dumpSeconds, bytes, -1);
        row("seed", "initdb", initdbSeconds, -1, -1);
        row("seed", "psql -f (server start/stop)", restoreSeconds, bytes, -1);
        seedTotal = dumpSeconds + initdbSeconds + restoreSeconds;
        row("seed", "total", seedTotal, -1, -1);
        if (psqlErrors > 0) {
            line("  (seed psql reported " + psqlErrors + " error(s) it ignores, as the shell hook does: e.g. the"
                    + " bootstrap superuser already exists)");
        }
    }

    void product(String strategy, BenchProcess.Result pre, BenchProcess.Result post, BenchProcess.Result startup,
                 long bytes, String verdict, int progressLines) {
        String p = "product " + strategy;
        row(p, "pre-upgrade (backup)", pre.seconds(), bytes, pre.peakKib());
        row(p, "post-upgrade", post.seconds(), -1, post.peakKib());
        row(p, "startup (initdb, restore, ...)", startup.seconds(), bytes, startup.peakKib());
        double total = pre.seconds() + post.seconds() + startup.seconds();
        row(p, "total", total, -1, Math.max(pre.peakKib(), Math.max(post.peakKib(), startup.peakKib())));
        double ratio = total / seedTotal;
        double target = "parallel".equals(strategy) ? PARALLEL_TARGET : PLAIN_TARGET;
        line(String.format(Locale.ROOT, "  %s: %.2fx the seed pipeline (target <= %.2fx: %s); %s; %d progress line(s)",
                p, ratio, target, ratio <= target ? "met" : "MISSED", verdict, progressLines));
        if (verdict.startsWith("DIFFERS")) {
            failed = true;
        }
    }

    void noop(String what, List<BenchProcess.Result> runs) {
        List<Double> s = runs.stream().map(BenchProcess.Result::seconds).sorted().toList();
        List<Long> rss = runs.stream().map(BenchProcess.Result::peakKib).sorted(Comparator.naturalOrder()).toList();
        double median = median(s);
        line(String.format(Locale.ROOT, "  no-op %s: median %.3f s over %d runs (min %.3f, max %.3f), peak RSS median"
                        + " %s (target < %.1f s: %s)", what, median, s.size(), s.get(0), s.get(s.size() - 1),
                kib(rss.get(rss.size() / 2)), NOOP_TARGET_SECONDS, median < NOOP_TARGET_SECONDS ? "met" : "MISSED"));
    }

    void migrations(int databases, BenchProcess.Result post, Map<String, Long> perMigration) {
        List<String> parts = new ArrayList<>();
        long sum0203 = 0;
        for (Map.Entry<String, Long> e : perMigration.entrySet()) {
            parts.add(e.getKey() + " " + String.format(Locale.ROOT, "%.2f s", e.getValue() / 1000.0));
            if (e.getKey().startsWith("02-") || e.getKey().startsWith("03-")) {
                sum0203 += e.getValue();
            }
        }
        double s = sum0203 / 1000.0;
        line(String.format(Locale.ROOT, "  migrations on %d databases (post-upgrade 14.10 -> 14.19, %.2f s in all,"
                        + " peak RSS %s): %s; 02+03 %.2f s (target < %.0f s: %s)", databases, post.seconds(),
                kib(post.peakKib()), parts.isEmpty() ? "none ran" : String.join(", ", parts), s,
                MIGRATIONS_TARGET_SECONDS, !perMigration.isEmpty() && s < MIGRATIONS_TARGET_SECONDS ? "met" : "MISSED"));
    }

    boolean failed() {
        return failed;
    }

    void print(PrintStream stream) {
        stream.println();
        stream.print(out);
        stream.flush();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void row(String pipeline, String step, double seconds, long bytes, long peakKib) {
        out.append(String.format(Locale.ROOT, ROW, pipeline, step, String.format(Locale.ROOT, "%.2f", seconds),
                bytes < 0 ? "-" : mb(bytes), bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1e6 / seconds),
                peakKib < 0 ? "-" : kib(peakKib)));
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String kib(long kib) {
        return kib < 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", kib * 1024 / 1e6);
    }
}
