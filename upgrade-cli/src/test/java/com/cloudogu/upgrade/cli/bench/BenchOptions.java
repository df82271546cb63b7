package com.cloudogu.upgrade.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's parameters, from {@code bench/upgrade-bench}'s command line.
 *
 * @param scale pgbench scale factor of the {@code pgbench} database
 * @param tables tables in the many-tables database
 * @param oldServer zonky version of the old cluster
 * @param newServer zonky version of the new image
 * @param strategies backup strategies to run the product with ({@code plain}, {@code parallel})
 * @param jobs parallel jobs for the parallel strategy
 * @param xmx the CLI's maximum heap
 * @param noopRuns runs per no-op command (median reported)
 * @param migrationDatabases databases for the 02+03 measurement (0 skips it)
 * @param verify compare the product's restored cluster with the seed's
 * @param work where clusters and backups go (kept with {@code --keep})
 * @param keep keep the work directory afterwards
 * @param rounds how often seed and product run back to back (medians reported)
 */
record BenchOptions(int scale, int tables, String oldServer, String newServer, List<String> strategies, int jobs,
                    String xmx, int noopRuns, int migrationDatabases, boolean verify, Path work, boolean keep,
                    int rounds) {

    static final String USAGE = """
            usage: bench/upgrade-bench [options]
              --scale S            pgbench scale of the pgbench database (default 10; 100 is about 1.5 GB)
              --tables N           tables in the many-tables database (default 2000)
              --from VERSION       zonky version of the old cluster (default 14.19.0)
              --to VERSION         zonky version of the new image (default 17.6.0)
              --strategy S         plain, parallel or both (default both)
              --jobs N             jobs of the parallel strategy (default: number of CPUs)
              --rounds N           seed and product back to back N times, medians reported (default 3)
              --xmx SIZE           maximum heap of the CLI JVM (default 64m)
              --noop-runs N        runs of each no-op hook, median reported (default 20; 0 skips)
              --migration-dbs N    databases for the 02+03 measurement (default 100; 0 skips)
              --no-verify          skip the fingerprint comparison of product and seed result
              --work DIR           work directory (default: a new one under /tmp)
              --keep               keep the work directory
            """;

    static BenchOptions parse(String... args) {
        int scale = 10;
        int tables = 2000;
        String from = "14.19.0";
        String to = "17.6.0";
        List<String> strategies = List.of("plain", "parallel");
        int jobs = Runtime.getRuntime().availableProcessors();
        String xmx = "64m";
        int noopRuns = 20;
        int migrationDatabases = 100;
        boolean verify = true;
        Path work = null;
        boolean keep = false;
        int rounds = 3;
        List<String> a = new ArrayList<>();
        for (String s : args) {
            // exec:java hands the arguments over as one string
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    a.add(part);
                }
            }
        }
        for (int i = 0; i < a.size(); i++) {
            String o = a.get(i);
            switch (o) {
                case "--scale" -> scale = Integer.parseInt(value(a, ++i, o));
                case "--tables" -> tables = Integer.parseInt(value(a, ++i, o));
                case "--from" -> from = value(a, ++i, o);
                case "--to" -> to = value(a, ++i, o);
                case "--strategy" -> {
                    String s = value(a, ++i, o).toLowerCase(Locale.ROOT);
                    strategies = switch (s) {
                        case "plain", "parallel" -> List.of(s);
                        case "both" -> List.of("plain", "parallel");
                        default -> throw new IllegalArgumentException("--strategy must be plain, parallel or both");
                    };
                }
                case "--jobs" -> jobs = Integer.parseInt(value(a, ++i, o));
                case "--xmx" -> xmx = value(a, ++i, o);
                case "--noop-runs" -> noopRuns = Integer.parseInt(value(a, ++i, o));
                case "--migration-dbs" -> migrationDatabases = Integer.parseInt(value(a, ++i, o));
                case "--no-verify" -> verify = false;
                case "--work" -> work = Path.of(value(a, ++i, o)).toAbsolutePath();
                case "--keep" -> keep = true;
                case "--rounds" -> rounds = Integer.parseInt(value(a, ++i, o));
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + o);
            }
        }
        if (scale < 1 || tables < 0 || jobs < 1 || noopRuns < 0 || migrationDatabases < 0 || rounds < 1) {
            throw new IllegalArgumentException("scale and jobs must be positive; counts must not be negative");
        }
        return new BenchOptions(scale, tables, from, to, strategies, jobs, xmx, noopRuns, migrationDatabases, verify,
                work, keep, rounds);
    }

    private static String value(List<String> a, int i, String option) {
        if (i >= a.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return a.get(i);
    }
}
