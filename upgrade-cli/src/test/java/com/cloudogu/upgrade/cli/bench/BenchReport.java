package com.cloudogu.upgrade.cli.bench;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the benchmark's figures over its rounds and prints them as one table: per step the median
 * seconds over the rounds, and per pipeline the median of the per-round ratios product/seed (each
 * round times the seed and the product back to back, so a busy machine slows both).
 */
final class BenchReport {

    private static final double PLAIN_TARGET = 1.05;
    private static final double PARALLEL_TARGET = 0.6;
    /** issue 14: pg_upgrade at scale 100, copy mode and the constant-time modes. */
    private static final double PG_UPGRADE_COPY_TARGET = 0.35;
    private static final double PG_UPGRADE_CONSTANT_TARGET = 0.15;
    private static final double NOOP_TARGET_SECONDS = 0.4;
    private static final double MIGRATIONS_TARGET_SECONDS = 10;
    private static final String ROW = "%-18s %-30s %9s %11s %9s %10s%n";

    /** One step's samples, one per round. */
    private static final class Step {
        final List<Double> seconds = new ArrayList<>();
        long bytes = -1;
        long peakKib = -1;
    }

    private final StringBuilder head = new StringBuilder();
    private final StringBuilder tail = new StringBuilder();
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Map<String, List<Double>> seedTotals = new LinkedHashMap<>();
    private final Map<String, String> seedOf = new LinkedHashMap<>();
    private final Map<String, String> unmeasured = new LinkedHashMap<>();
    private final Map<String, List<Double>> productTotals = new LinkedHashMap<>();
    private final Map<String, List<Double>> pgUpgradeItself = new LinkedHashMap<>();
    private final Map<String, String> verdicts = new LinkedHashMap<>();
    private final Map<String, Integer> progressLines = new LinkedHashMap<>();
    private long psqlErrors;
    private boolean failed;

    void header(BenchOptions o, int scale, String from, String to, long clusterBytes) {
        head.append("dogu-upgrade benchmark, ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(ZonedDateTime.now(ZoneOffset.UTC))).append('\n');
        head.append("PostgreSQL ").append(o.oldServer()).append(" (").append(from).append(") -> ").append(o.newServer())
                .append(" (").append(to).append("); pgbench scale ").append(scale).append(", ").append(o.tables())
                .append("-table database, 5 more databases; ").append(mb(clusterBytes)).append(" in databases\n");
        head.append("machine: ").append(Machine.describe()).append('\n');
        head.append("CLI JVM: -Xmx").append(o.xmx()).append(' ').append(String.join(" ", UpgradeBench.HOOK_JVM_OPTIONS))
                .append("; parallel jobs ").append(o.jobs()).append("; ").append(o.rounds())
                .append(" round(s), medians shown\n");
    }

    /**
     * @param seed the seed pipeline's name: {@code seed}, or {@code seed xfs} on the XFS volume
     */
    void seed(String seed, double dumpSeconds, long bytes, double initdbSeconds, double restoreSeconds, long errors) {
        sample(seed, "pg_dumpall", dumpSeconds, bytes, -1);
        sample(seed, "initdb", initdbSeconds, -1, -1);
        sample(seed, "psql -f (server start/stop)", restoreSeconds, bytes, -1);
        double total = dumpSeconds + initdbSeconds + restoreSeconds;
        sample(seed, "total", total, -1, -1);
        seedTotals.computeIfAbsent(seed, k -> new ArrayList<>()).add(total);
        psqlErrors = errors;
    }

    /**
     * @param strategy the product's pipeline: a backup strategy ({@code plain}, {@code parallel}) or
     *     {@code pg-upgrade MODE}
     * @param seed the seed pipeline it is compared with (the one on the same file system)
     */
    void product(String strategy, String seed, BenchProcess.Result pre, BenchProcess.Result post, BenchProcess.Result startup,
                 long bytes, String verdict, int progress, double pgUpgradeSeconds) {
        String p = "product " + strategy;
        seedOf.put(strategy, seed);
        sample(p, strategy.startsWith("pg-upgrade") ? "pre-upgrade (carry old inst.)" : "pre-upgrade (backup)", pre.seconds(), bytes, pre.peakKib());
        sample(p, "post-upgrade", post.seconds(), -1, post.peakKib());
        sample(p, strategy.startsWith("pg-upgrade") ? "startup (pg_upgrade, ...)" : "startup (initdb, restore, ...)", startup.seconds(), bytes, startup.peakKib());
        if (pgUpgradeSeconds >= 0) {
            // part of startup, not added to the total: the measure of the issue's own figures
            sample(p, "  of which pg_upgrade itself", pgUpgradeSeconds, -1, -1);
            pgUpgradeItself.computeIfAbsent(strategy, k -> new ArrayList<>()).add(pgUpgradeSeconds);
        }
        double total = pre.seconds() + post.seconds() + startup.seconds();
        sample(p, "total", total, -1, Math.max(pre.peakKib(), Math.max(post.peakKib(), startup.peakKib())));
        productTotals.computeIfAbsent(strategy, k -> new ArrayList<>()).add(total);
        verdicts.merge(strategy, verdict, (first, later) -> later.startsWith("DIFFERS") ? later : first);
        progressLines.merge(strategy, progress, Integer::sum);
        if (verdict.startsWith("DIFFERS")) {
            failed = true;
        }
    }

    /** @param strategy a pipeline that failed, @param why in a few words, with its log */
    void unmeasured(String strategy, String why) {
        unmeasured.put(strategy, why);
        failed = true;
    }

    /** @return the median total seconds of a pipeline ({@code seed}, {@code plain}, {@code pg-upgrade copy} ...) */
    double medianTotal(String pipeline) {
        List<Double> totals = seedTotals.containsKey(pipeline) ? seedTotals.get(pipeline) : productTotals.get(pipeline);
        return totals == null ? Double.NaN : median(sorted(totals));
    }

    /** @return the median per-round ratio of a product pipeline to its seed, NaN if it was not measured */
    double ratio(String strategy) {
        List<Double> totals = productTotals.get(strategy);
        List<Double> seeds = seedTotals.get(seedOf.get(strategy));
        if (totals == null || seeds == null) {
            return Double.NaN;
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < totals.size() && i < seeds.size(); i++) {
            ratios.add(totals.get(i) / seeds.get(i));
        }
        return median(sorted(ratios));
    }

    static double target(String strategy) {
        return switch (strategy) {
            case "parallel" -> PARALLEL_TARGET;
            case "pg-upgrade copy" -> PG_UPGRADE_COPY_TARGET;
            case "pg-upgrade clone", "pg-upgrade link" -> PG_UPGRADE_CONSTANT_TARGET;
            default -> PLAIN_TARGET;
        };
    }

    void noop(String what, List<BenchProcess.Result> runs) {
        List<Double> s = runs.stream().map(BenchProcess.Result::seconds).sorted().toList();
        List<Long> rss = runs.stream().map(BenchProcess.Result::peakKib).sorted().toList();
        double median = median(s);
        tail.append(String.format(Locale.ROOT, "  no-op %s: median %.3f s over %d runs (min %.3f, max %.3f), peak RSS"
                        + " median %s (target < %.1f s: %s)%n", what, median, s.size(), s.get(0), s.get(s.size() - 1),
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
        tail.append(String.format(Locale.ROOT, "  migrations on %d databases (post-upgrade 14.10 -> 14.19, %.2f s in all,"
                        + " peak RSS %s): %s; 02+03 %.2f s (target < %.0f s: %s)%n", databases, post.seconds(),
                kib(post.peakKib()), parts.isEmpty() ? "none ran" : String.join(", ", parts), s,
                MIGRATIONS_TARGET_SECONDS, !perMigration.isEmpty() && s < MIGRATIONS_TARGET_SECONDS ? "met" : "MISSED"));
    }

    boolean failed() {
        return failed;
    }

    void print(PrintStream stream) {
        stream.println();
        stream.print(this);
        stream.flush();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(head).append('\n');
        out.append(String.format(Locale.ROOT, ROW, "pipeline", "step", "seconds", "bytes", "MB/s", "peak RSS"));
        steps.forEach((key, step) -> {
            String[] k = key.split("\t", 2);
            double seconds = median(sorted(step.seconds));
            out.append(String.format(Locale.ROOT, ROW, k[0], k[1], String.format(Locale.ROOT, "%.2f", seconds),
                    step.bytes < 0 ? "-" : mb(step.bytes),
                    step.bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", step.bytes / 1e6 / seconds),
                    step.peakKib < 0 ? "-" : kib(step.peakKib)));
        });
        if (psqlErrors > 0) {
            out.append("  (seed psql reported ").append(psqlErrors).append(" error(s) it ignores, as the shell hook does:"
                    + " the bootstrap superuser already exists)\n");
        }
        productTotals.forEach((strategy, totals) -> {
            List<Double> ratios = toSeed(strategy, totals);
            double ratio = median(sorted(ratios));
            double target = target(strategy);
            List<String> each = ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList();
            String seed = seedOf.get(strategy).equals("seed") ? "the seed pipeline" : "the " + seedOf.get(strategy)
                    + " pipeline";
            out.append(String.format(Locale.ROOT, "  product %s: %.2fx %s (median of rounds: %s; target"
                            + " <= %.2fx: %s); %s; %d progress line(s)%n", strategy, ratio, seed, String.join(", ", each),
                    target, ratio <= target ? "met" : "MISSED", verdicts.get(strategy), progressLines.get(strategy)));
        });
        pgUpgradeItself.forEach((strategy, seconds) -> {
            List<Double> ratios = toSeed(strategy, seconds);
            out.append(String.format(Locale.ROOT, "  %s, the pg_upgrade run alone: %.2fx the %s pipeline (median of"
                    + " rounds; what the issue's 3.9 s and 10.9 s against 36.7 s measured)%n", strategy,
                    median(sorted(ratios)), seedOf.get(strategy)));
        });
        unmeasured.forEach((strategy, why) -> out.append("  product ").append(strategy).append(": NOT MEASURED, ")
                .append(why).append('\n'));
        return out.append(tail).toString();
    }

    /** @return per round, {@code seconds} divided by the seed's total on the strategy's file system */
    private List<Double> toSeed(String strategy, List<Double> seconds) {
        List<Double> seeds = seedTotals.get(seedOf.get(strategy));
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < seconds.size() && i < seeds.size(); i++) {
            ratios.add(seconds.get(i) / seeds.get(i));
        }
        return ratios;
    }

    private void sample(String pipeline, String step, double seconds, long bytes, long peakKib) {
        Step s = steps.computeIfAbsent(pipeline + "\t" + step, k -> new Step());
        s.seconds.add(seconds);
        s.bytes = Math.max(s.bytes, bytes);
        s.peakKib = Math.max(s.peakKib, peakKib);
    }

    private static List<Double> sorted(List<Double> values) {
        return values.stream().sorted().toList();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String kib(long kib) {
        return kib < 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", kib * 1024 / 1e6);
    }
}
