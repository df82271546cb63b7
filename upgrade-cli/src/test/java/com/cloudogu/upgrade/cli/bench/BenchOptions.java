package com.cloudogu.upgrade.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's parameters, from {@code bench/upgrade-bench}'s command line.
 *
 * @param scales pgbench scale factors of the {@code pgbench} database, one complete measurement each
 * @param tables tables in the many-tables database
 * @param oldServer zonky version of the old cluster, or {@code debian-N} for Debian's complete installation
 * @param newServer zonky version of the new image, or {@code debian-N}
 * @param strategies backup strategies to run the product with ({@code plain}, {@code parallel})
 * @param jobs parallel jobs for the parallel strategy
 * @param xmx the CLI's maximum heap
 * @param noopRuns runs per no-op command (median reported)
 * @param migrationDatabases databases for the 02+03 measurement (0 skips it)
 * @param verify compare the product's restored cluster with the seed's
 * @param work where clusters and backups go (kept with {@code --keep})
 * @param keep keep the work directory afterwards
 * @param rounds how often seed and product run back to back (medians reported)
 * @param pgUpgradeModes pg_upgrade modes to run the product with besides the dump strategies
 *     ({@code copy}, {@code clone}, {@code link}); empty for none
 * @param xfsBytes size of the XFS loop volume for clone mode (sparse)
 */
record BenchOptions(List<Integer> scales, int tables, String oldServer, String newServer, List<String> strategies, int jobs,
                    String xmx, int noopRuns, int migrationDatabases, boolean verify, Path work, boolean keep,
                    int rounds, List<String> pgUpgradeModes, long xfsBytes) {

    static final String USAGE = """
            usage: bench/upgrade-bench [options]
              --scale S            pgbench scale of the pgbench database (default 10; 100 is about 1.5 GB)
              --scales S1,S2       several scales in one run, each measured completely, a summary at the end
              --tables N           tables in the many-tables database (default 2000)
              --from VERSION       zonky version of the old cluster (default 14.19.0), or debian-13|15|17|18
              --to VERSION         zonky version of the new image (default 17.6.0), or debian-13|15|17|18
              --pg-upgrade MODES   also the pg_upgrade method in these modes: copy,clone,link (default none);
                                   needs --to debian-N (pg_upgrade ships with complete installations only);
                                   clone runs on an XFS loop volume (root, xfsprogs), where the seed runs too
              --xfs-size GB        size of that XFS volume (sparse; default 8 + 0.15 per scale unit)
              --strategy S         plain, parallel, both or none (default both)
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
        List<Integer> scales = List.of(10);
        List<String> pgUpgradeModes = List.of();
        long xfsBytes = -1;
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
                case "--scale" -> scales = List.of(Integer.parseInt(value(a, ++i, o)));
                case "--scales" -> scales = java.util.Arrays.stream(value(a, ++i, o).split(",")).map(String::strip)
                        .map(Integer::parseInt).toList();
                case "--pg-upgrade" -> {
                    pgUpgradeModes = java.util.Arrays.stream(value(a, ++i, o).toLowerCase(Locale.ROOT).split(","))
                            .map(String::strip).filter(m -> !m.isEmpty() && !m.equals("none")).distinct().toList();
                    for (String m : pgUpgradeModes) {
                        if (!List.of("copy", "clone", "link").contains(m)) {
                            throw new IllegalArgumentException("--pg-upgrade takes copy, clone and link; got " + m);
                        }
                    }
                }
                case "--xfs-size" -> xfsBytes = (long) (Double.parseDouble(value(a, ++i, o)) * (1L << 30));
                case "--tables" -> tables = Integer.parseInt(value(a, ++i, o));
                case "--from" -> from = value(a, ++i, o);
                case "--to" -> to = value(a, ++i, o);
                case "--strategy" -> {
                    String s = value(a, ++i, o).toLowerCase(Locale.ROOT);
                    strategies = switch (s) {
                        case "plain", "parallel" -> List.of(s);
                        case "both" -> List.of("plain", "parallel");
                        case "none" -> List.of();
                        default -> throw new IllegalArgumentException("--strategy must be plain, parallel, both or none");
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
        if (!pgUpgradeModes.isEmpty() && !to.startsWith("debian-")) {
            throw new IllegalArgumentException("--pg-upgrade needs a new image with pg_upgrade: --to debian-17 (or"
                    + " debian-18); zonky's binaries have no pg_upgrade");
        }
        int maxScale = scales.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (xfsBytes < 0) {
            xfsBytes = (long) ((8 + 0.15 * maxScale) * (1L << 30));
        }
        if (scales.isEmpty() || scales.stream().anyMatch(s -> s < 1) || tables < 0 || jobs < 1 || noopRuns < 0 || migrationDatabases < 0 || rounds < 1) {
            throw new IllegalArgumentException("scale and jobs must be positive; counts must not be negative");
        }
        return new BenchOptions(scales, tables, from, to, strategies, jobs, xmx, noopRuns, migrationDatabases, verify,
                work, keep, rounds, pgUpgradeModes, xfsBytes);
    }

    private static String value(List<String> a, int i, String option) {
        if (i >= a.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return a.get(i);
    }
}
