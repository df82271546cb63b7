package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.DoguUpgrade;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs the two calls a container makes on every start — {@code startup} and
 * {@code post-upgrade V V} — without building picocli's command model, which costs more than the
 * rest of a no-op run together (about 0.2 s of reflection in a cold JVM).
 *
 * <p>Taken only for exactly these argument shapes without any option: every setting then comes from
 * its environment variable or default, resolved from the same {@link Setting} table picocli reads its
 * defaults from, so the two paths cannot drift apart. Any other call, an option, a malformed version
 * or an environment value that is no value of its setting goes through the full command line, which
 * reports it. Errors are reported by the same {@link ErrorReporter} and mapped to the same
 * {@link ExitCodes} as on the full command line. This class must not touch picocli.
 */
final class HookFastPath {

    private HookFastPath() {
    }

    /**
     * @param args the command line
     * @param env the process environment
     * @param err where errors go
     * @return the exit code, or empty if the full command line must handle this call
     */
    static OptionalInt run(String[] args, Map<String, String> env, PrintStream err) {
        boolean startup = args.length == 1 && "startup".equals(args[0]);
        Optional<DoguVersion> sameVersion = args.length == 3 && "post-upgrade".equals(args[0])
                ? sameVersion(args[1], args[2]) : Optional.empty();
        if (!startup && sameVersion.isEmpty()) {
            return OptionalInt.empty();
        }
        Optional<SettingValues> settings = SettingValues.fromEnvironment(env);
        if (settings.isEmpty()) {
            return OptionalInt.empty();
        }
        Logging.configure(false);
        try {
            DoguUpgrade upgrade = settings.get().upgrade();
            if (startup) {
                upgrade.startup();
            } else {
                upgrade.postUpgrade(sameVersion.get(), sameVersion.get());
            }
            return OptionalInt.of(ExitCodes.OK);
        } catch (RuntimeException e) {
            new ErrorReporter(false).report(e, err);
            return OptionalInt.of(ExitCodes.of(e));
        }
    }

    private static Optional<DoguVersion> sameVersion(String from, String to) {
        try {
            DoguVersion f = DoguVersion.parse(from);
            return f.equals(DoguVersion.parse(to)) ? Optional.of(f) : Optional.empty();
        } catch (UpgradeException e) {
            return Optional.empty(); // the full command line reports it
        }
    }
}
