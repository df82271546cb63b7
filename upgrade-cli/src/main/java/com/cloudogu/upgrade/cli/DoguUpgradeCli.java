package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.core.CheckReport;
import com.cloudogu.upgrade.core.DiscoveredMigration;
import com.cloudogu.upgrade.core.UpgradePlan;
import com.cloudogu.upgrade.core.UpgradeStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code dogu-upgrade}: the thin command line over the library, called by the dogu's hook scripts.
 *
 * <p>The no-op calls every container start makes go through {@link HookFastPath}; everything else
 * through picocli, configured here: option defaults and descriptions from the {@link Setting} table,
 * errors through {@link ErrorReporter}, exit codes from {@link ExitCodes}, the version from the jar.
 */
// scope INHERIT: every subcommand gets -h/--help (the usage error line tells the user to try it) and -V.
@Command(name = "dogu-upgrade", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        scope = ScopeType.INHERIT,
        description = "Upgrades the PostgreSQL dogu's cluster across image versions without losing data.",
        subcommands = {DoguUpgradeCli.PreUpgrade.class, DoguUpgradeCli.PostUpgrade.class, DoguUpgradeCli.Startup.class, DoguUpgradeCli.Abort.class,
                DoguUpgradeCli.RetryRestore.class,
                DoguUpgradeCli.Status.class, DoguUpgradeCli.Plan.class, DoguUpgradeCli.Check.class,
                DoguUpgradeCli.Migrations.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success, also when there is nothing to do",
                "1:internal error (a bug; rerun with --verbose and report it)",
                "2:usage error: bad arguments, version or setting; nothing was written",
                "3:the upgrade failed or was refused; the message says why and what to do",
                "4:timed out waiting for another phase or the server",
                "5:another phase holds the upgrade lock"},
        footerHeading = "%nErrors:%n",
        footer = "Each error line names a code (DU-...), explained with what to do in docs/ERRORS.md.")
public final class DoguUpgradeCli {

    private DoguUpgradeCli() {
    }

    /** @param args command line */
    public static void main(String[] args) {
        OptionalInt hook = HookFastPath.run(args, System.getenv(), System.err);
        System.exit(hook.isPresent() ? hook.getAsInt() : run(args));
    }

    /** @param args command line @return the exit code */
    public static int run(String... args) {
        boolean verbose = List.of(args).contains("-v") || List.of(args).contains("--verbose");
        Logging.configure(verbose);
        return commandLine(System.getenv(), new ErrorReporter(verbose)).execute(args);
    }

    /**
     * @param environment where option defaults come from (see {@link Setting})
     * @param errors how a failed command is reported
     * @return the full command line
     */
    static CommandLine commandLine(Map<String, String> environment, ErrorReporter errors) {
        CommandLine cli = new CommandLine(new DoguUpgradeCli());
        // All three apply to every subcommand: picocli passes them down the hierarchy when set here.
        cli.setDefaultValueProvider(new SettingDefaults(environment));
        cli.setResourceBundle(new SettingDescriptions());
        cli.setExitCodeExceptionMapper(ExitCodes::of);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            errors.report(e, cmd.getErr());
            return cmd.getExitCodeExceptionMapper().getExitCode(e);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("dogu-upgrade: usage error: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }

    /** Parses FROM and TO. */
    static final class VersionPair {
        @Parameters(index = "0", paramLabel = "FROM", description = "Dogu version upgraded from, e.g. 14.15-2")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "Dogu version upgraded to, e.g. 17.6-1")
        String to;

        DoguVersion from() {
            return DoguVersion.parse(from);
        }

        DoguVersion to() {
            return DoguVersion.parse(to);
        }
    }

    @Command(name = "pre-upgrade", description = "Old container, old server running: back up if needed, mark the upgrade.")
    static final class PreUpgrade implements Callable<Integer> {
        @Mixin SharedOptions options;
        @Mixin VersionPair versions;

        @Override
        public Integer call() {
            DoguVersion from = versions.from();
            DoguVersion to = versions.to();
            options.upgrade().preUpgrade(from, to);
            return ExitCodes.OK;
        }
    }

    @Command(name = "post-upgrade", description = "New container: prepare the restore or run pending migrations.")
    static final class PostUpgrade implements Callable<Integer> {
        @Mixin SharedOptions options;
        @Mixin VersionPair versions;

        @Override
        public Integer call() {
            DoguVersion from = versions.from();
            DoguVersion to = versions.to();
            options.upgrade().postUpgrade(from, to);
            return ExitCodes.OK;
        }
    }

    @Command(name = "startup", description = "Every container start: wait for an upgrade, restore or initialize, then exit"
            + " so the hook can exec the official entrypoint.")
    static final class Startup implements Callable<Integer> {
        @Mixin SharedOptions options;

        @Override
        public Integer call() {
            options.upgrade().startup();
            return ExitCodes.OK;
        }
    }

    @Command(name = "abort", description = "Take back an upgrade that has not completed: clear the state, move the old"
            + " cluster back, lift the read-only guard. Refused when that could lose data.")
    static final class Abort implements Callable<Integer> {
        @Mixin SharedOptions options;

        @Override
        public Integer call() {
            options.upgrade().abort();
            return ExitCodes.OK;
        }
    }

    @Command(name = "retry-restore", description = "After a failed restore whose cause was fixed: verify the kept"
            + " backup, discard the partial restore and clear the recorded failure; the next startup restores again"
            + " from a fresh cluster.")
    static final class RetryRestore implements Callable<Integer> {
        @Mixin SharedOptions options;

        @Override
        public Integer call() {
            options.upgrade().retryRestore();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "Show the recorded upgrade state (no secrets).")
    static final class Status implements Callable<Integer> {
        @Mixin SharedOptions options;
        @Option(names = "--json", description = "Print one JSON object (stable format, see README)")
        boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            UpgradeStatus s = options.upgrade().status();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format", 1);
                m.put("localState", s.localState());
                m.put("upgrading", s.upgrading());
                m.put("failed", s.failed());
                m.put("backupPath", s.backupPath().isEmpty() ? null : s.backupPath());
                m.put("dataDirectory", s.dataDirectory());
                m.put("clusterMajor", s.clusterMajor().isEmpty() ? null : s.clusterMajor());
                m.put("markers", s.markers());
                m.put("oldDataDirectory", s.oldDataDirectory().isEmpty() ? null : s.oldDataDirectory());
                m.put("method", s.method().map(r -> {
                    Map<String, Object> method = new LinkedHashMap<>();
                    method.put("method", r.method());
                    method.put("rung", r.rung() == 0 ? null : r.rung());
                    method.put("mode", r.mode().isEmpty() ? null : r.mode());
                    method.put("reason", r.reason());
                    method.put("from", r.from());
                    method.put("to", r.to());
                    return method;
                }).orElse(null));
                out.println(Json.value(m));
            } else {
                out.println("local_state:           " + (s.localState().isEmpty() ? "(unset)" : s.localState()));
                out.println("migration_backup_path: " + (s.backupPath().isEmpty() ? "(unset)" : s.backupPath()));
                out.println("data directory:        " + s.dataDirectory() + (s.clusterMajor().isEmpty()
                        ? " (no cluster)" : " (PostgreSQL " + s.clusterMajor() + ")"));
                out.println("old cluster:           " + (s.oldDataDirectory().isEmpty() ? "(unset)"
                        : s.oldDataDirectory()));
                out.println("upgrade method:        " + s.method().map(r -> r.from() + " -> " + r.to() + ": "
                        + r.description()).orElse("(none recorded in the cluster)"));
                s.markers().forEach((k, v) -> out.println("marker " + k + ": " + (v ? "set" : "not set")));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "plan", description = "Show what an upgrade FROM -> TO would do. Changes nothing.")
    static final class Plan implements Callable<Integer> {
        @Mixin SharedOptions options;
        @Mixin VersionPair versions;
        @Option(names = "--json", description = "Print one JSON object (stable format, see README)")
        boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            UpgradePlan p = options.upgrade().plan(versions.from(), versions.to());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.value(json(p)));
                out.flush();
                return ExitCodes.OK;
            }
            out.println("upgrade " + p.from() + " -> " + p.to() + (p.majorUpgrade() ? " (major upgrade)" : ""));
            if (p.from().equals(p.to())) {
                out.println("nothing to do: FROM equals TO");
            } else if (p.backupRequired()) {
                out.println("full backup and restore: yes");
                p.backupReasons().forEach(r -> out.println("  rule " + r));
            } else {
                out.println("full backup and restore: no (no rule fired)");
            }
            if (!p.method().isEmpty() && !p.from().equals(p.to())) {
                out.println("method: " + p.method() + " (" + p.methodReason() + ")");
                if (!p.pgUpgradeMode().isEmpty()) {
                    out.println("pg_upgrade mode: " + p.pgUpgradeMode() + " (" + p.pgUpgradeModeReason() + ")");
                }
                if (!p.spaceNeeded().isEmpty()) {
                    out.println("space needed:");
                    p.spaceNeeded().forEach(l -> out.println("  " + l));
                }
                out.println("rollback: " + p.rollback());
            }
            out.println("pending migrations (marker not set): " + list(p.pendingMigrations()));
            out.println("completed migrations (marker set): " + list(p.completedMigrations()));
            out.println("checked on the temporary server (no marker): " + list(p.checkedMigrations()));
            if (p.majorUpgrade()) {
                out.println("compatibility checks on the running old server (pre-upgrade refuses on FAILED):");
                p.compatibilityChecks().forEach(l -> out.println("  " + l));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** The plan as {@code plan --json} prints it: every field, an empty text as null. */
        private static Map<String, Object> json(UpgradePlan p) {
            boolean crosses = !p.method().isEmpty() && !p.from().equals(p.to());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", 1);
            m.put("from", p.from());
            m.put("to", p.to());
            m.put("majorUpgrade", p.majorUpgrade());
            m.put("backupRequired", p.backupRequired());
            m.put("backupReasons", p.backupReasons());
            m.put("method", crosses ? p.method() : null);
            m.put("methodReason", crosses ? p.methodReason() : null);
            m.put("pgUpgradeMode", crosses && !p.pgUpgradeMode().isEmpty() ? p.pgUpgradeMode() : null);
            m.put("pgUpgradeModeReason", crosses && !p.pgUpgradeModeReason().isEmpty() ? p.pgUpgradeModeReason() : null);
            m.put("spaceNeeded", crosses ? p.spaceNeeded() : List.of());
            m.put("rollback", crosses && !p.rollback().isEmpty() ? p.rollback() : null);
            m.put("pendingMigrations", p.pendingMigrations());
            m.put("completedMigrations", p.completedMigrations());
            m.put("checkedMigrations", p.checkedMigrations());
            m.put("compatibilityChecks", p.compatibilityChecks());
            return m;
        }
    }

    @Command(name = "check", description = "Old container, old server running: find what the new PostgreSQL major"
            + " would refuse to restore, as pre-upgrade does first. Changes nothing. Exit 3 if something was found.")
    static final class Check implements Callable<Integer> {
        @Mixin SharedOptions options;
        @Mixin VersionPair versions;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            CheckReport report = options.upgrade().check(versions.from(), versions.to());
            PrintWriter out = spec.commandLine().getOut();
            if (!report.ran()) {
                out.println("check " + report.from() + " -> " + report.to() + ": the PostgreSQL major does not go up,"
                        + " nothing to check");
            } else {
                out.println("check " + report.from() + " -> " + report.to() + " on the running PostgreSQL "
                        + report.serverVersion() + " server");
                report.details().forEach(out::println);
            }
            out.flush();
            report.refuseIfIncompatible();
            return ExitCodes.OK;
        }
    }

    private static String list(List<String> ids) {
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    @Command(name = "migrations", description = "List the discovered migrations with id, order and source jar.")
    static final class Migrations implements Callable<Integer> {
        @Mixin SharedOptions options;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<DiscoveredMigration> all = options.upgrade().migrations();
            out.printf("%-5s %-48s %-34s %s%n", "ORDER", "ID", "SOURCE", "DESCRIPTION");
            for (DiscoveredMigration m : all) {
                out.printf("%-5d %-48s %-34s %s%n", m.order(), m.id(), m.source(), m.description());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
