package com.cloudogu.upgrade.core.internal.check;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.CheckReport;
import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the compatibility checks that apply to an upgrade against the running old cluster, the way
 * {@code pg_upgrade --check} does before anything changes. The source major is the running server's
 * own ({@code server_version_num}), the target major TO's. Checks run only for a major upgrade.
 */
public final class CompatibilityChecker {

    private static final Logger LOG = LoggerFactory.getLogger(CompatibilityChecker.class);

    private final ClusterCatalog catalog;
    private final List<CompatibilityCheck> checks;

    /**
     * @param catalog the old cluster
     * @param checks the checks, e.g. {@link BuiltinChecks#all()}
     */
    public CompatibilityChecker(ClusterCatalog catalog, List<CompatibilityCheck> checks) {
        this.catalog = catalog;
        this.checks = List.copyOf(checks);
    }

    /**
     * @param serverVersionNum e.g. {@code 141900} or {@code 90624}
     * @return the major as {@link DoguVersion#majorNumber()} writes it: {@code 1400}, {@code 906}
     */
    public static int majorOf(int serverVersionNum) {
        return serverVersionNum >= 100000 ? serverVersionNum / 10000 * 100 : serverVersionNum / 100;
    }

    /**
     * @param from dogu version upgraded from
     * @param to dogu version upgraded to
     * @return whether the checks run for this pair: only when the PostgreSQL major goes up
     */
    public static boolean needed(DoguVersion from, DoguVersion to) {
        return from.isMajorUpgradeTo(to);
    }

    /**
     * @param from dogu version upgraded from
     * @param to dogu version upgraded to
     * @return what the applicable checks found
     */
    public CheckReport check(DoguVersion from, DoguVersion to) {
        long t0 = System.nanoTime();
        int version = catalog.serverVersionNum();
        int fromMajor = majorOf(version);
        if (fromMajor != from.majorNumber()) {
            LOG.warn("the running server is PostgreSQL {}, not FROM's {}; checking what the server holds",
                    display(fromMajor), from.postgresMajor());
        }
        int toMajor = to.majorNumber();
        List<CompatibilityCheck> applicable = new ArrayList<>();
        List<String> notApplicable = new ArrayList<>();
        for (CompatibilityCheck c : checks) {
            if (c.appliesTo(fromMajor, toMajor)) {
                applicable.add(c);
            } else {
                notApplicable.add(c.id());
            }
        }
        List<CompatibilityCheck> perDatabase = applicable.stream()
                .filter(c -> c.scope() == CompatibilityCheck.Scope.DATABASE).toList();
        List<ClusterCatalog.Database> databases = perDatabase.isEmpty() ? List.of() : catalog.databases();
        List<ClusterCatalog.Row> rows = catalog.queryEach(databases,
                perDatabase.stream().map(c -> c.queryFor(version, toMajor)).toList());
        List<CheckReport.Result> results = new ArrayList<>();
        for (CompatibilityCheck c : applicable) {
            List<String> findings = new ArrayList<>();
            if (c.scope() == CompatibilityCheck.Scope.CLUSTER) {
                catalog.queryCluster(c.queryFor(version, toMajor)).stream().sorted().forEach(findings::add);
            } else {
                int q = perDatabase.indexOf(c);
                rows.stream().filter(r -> r.query() == q)
                        .map(r -> "database " + quoteIdent(databases.get(r.database()).name()) + ": " + r.value())
                        .sorted().forEach(findings::add);
            }
            results.add(new CheckReport.Result(c.id(), c.title(), c.remedy(), List.copyOf(findings)));
            LOG.info("check {}: {}", c.id(), findings.isEmpty() ? "ok" : findings.size() + " object(s) found");
        }
        LOG.info("{} compatibility check(s) for PostgreSQL {} -> {} on {} database(s) in {} ms", applicable.size(),
                display(fromMajor), to.postgresMajor(), databases.size(), (System.nanoTime() - t0) / 1_000_000);
        return new CheckReport(from.toString(), to.toString(), display(version), List.copyOf(results),
                List.copyOf(notApplicable));
    }

    /**
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param osUser the database OS user
     * @return a checker with the built-in checks for the server the old container runs
     */
    public static CompatibilityChecker forRunningCluster(ClientTools tools, ProcessRunner runner, String osUser) {
        return new CompatibilityChecker(new RunningClusterCatalog(tools, runner, osUser), BuiltinChecks.all());
    }

    /**
     * What pre-upgrade does first: for a major upgrade, run the checks and refuse when one found
     * something. Nothing else is needed for other upgrades.
     *
     * @param from dogu version upgraded from
     * @param to dogu version upgraded to
     * @throws UpgradeException with {@link ErrorCode#INCOMPATIBLE_CLUSTER}, naming every object
     */
    public void refuseIfIncompatible(DoguVersion from, DoguVersion to) {
        if (needed(from, to)) {
            check(from, to).refuseIfIncompatible();
        }
    }

    private static String display(int versionOrMajor) {
        if (versionOrMajor >= 100000) {
            return versionOrMajor / 10000 + "." + versionOrMajor % 100;
        }
        if (versionOrMajor >= 10000) {
            return versionOrMajor / 10000 + "." + versionOrMajor / 100 % 100 + "." + versionOrMajor % 100;
        }
        return versionOrMajor >= 1000 ? Integer.toString(versionOrMajor / 100)
                : versionOrMajor / 100 + "." + versionOrMajor % 100;
    }

    /** Quotes like {@code quote_ident}, so names with spaces or quotes stay readable and unambiguous. */
    static String quoteIdent(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : '"' + name.replace("\"", "\"\"") + '"';
    }
}
