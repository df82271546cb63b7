package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the two calls a container makes on every start — {@code startup} and
 * {@code post-upgrade V V} — without building picocli's command model, which costs more than the
 * rest of a no-op run together (about 0.2 s of reflection in a cold JVM).
 *
 * <p>Taken only for exactly these argument shapes without any option: every setting then comes from
 * its environment variable or default, which are read from the same {@link Option} annotations the
 * full command line uses ({@code ${env:NAME:-default}}), so the two paths cannot drift apart. Any
 * other call, an option, a malformed version or a default this class does not understand goes
 * through the full command line. Errors are reported exactly as the full command line reports them.
 */
final class HookFastPath {

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

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
        SharedOptions options = new SharedOptions();
        if (!fill(options, env)) {
            return OptionalInt.empty();
        }
        Logging.configure(false);
        try {
            if (startup) {
                options.upgrade().startup();
            } else {
                options.upgrade().postUpgrade(sameVersion.get(), sameVersion.get());
            }
            return OptionalInt.of(ExitCodes.OK);
        } catch (UpgradeException e) {
            err.println("dogu-upgrade: error [" + e.code().code() + "]: " + e.getMessage());
            err.flush();
            return OptionalInt.of(ExitCodes.of(e.code()));
        } catch (RuntimeException e) {
            err.println("dogu-upgrade: internal error: " + e + " (rerun with --verbose for details)");
            err.flush();
            return OptionalInt.of(ExitCodes.INTERNAL);
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

    /**
     * Sets every {@link Option} field (also in nested {@link Mixin}s) to its environment default.
     *
     * @return false if some field's default or type is not understood
     */
    static boolean fill(Object target, Map<String, String> env) {
        try {
            for (Field f : target.getClass().getDeclaredFields()) {
                if (f.isAnnotationPresent(Mixin.class)) {
                    f.setAccessible(true);
                    Object mixin = f.getType().getDeclaredConstructor().newInstance();
                    if (!fill(mixin, env)) {
                        return false;
                    }
                    f.set(target, mixin);
                    continue;
                }
                Option option = f.getAnnotation(Option.class);
                if (option == null || option.defaultValue().equals("__no_default_value__")) {
                    continue; // flags without default (e.g. --verbose) stay off
                }
                Matcher m = ENV_DEFAULT.matcher(option.defaultValue());
                if (!m.matches()) {
                    return false;
                }
                String value = env.get(m.group(1));
                if (value == null) {
                    value = m.group(2);
                }
                f.setAccessible(true);
                if (!set(target, f, value)) {
                    return false;
                }
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // the full command line reports whatever is wrong
        }
    }

    private static boolean set(Object target, Field f, String value) throws IllegalAccessException {
        Class<?> type = f.getType();
        if (type == String.class) {
            f.set(target, value);
        } else if (value == null) {
            return !type.isPrimitive();
        } else if (type == Path.class) {
            f.set(target, Path.of(value));
        } else if (type == boolean.class) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                return false;
            }
            f.setBoolean(target, Boolean.parseBoolean(value));
        } else if (type == long.class) {
            f.setLong(target, Long.parseLong(value.strip()));
        } else if (type == int.class) {
            f.setInt(target, Integer.parseInt(value.strip()));
        } else if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(value)) {
                    f.set(target, constant);
                    return true;
                }
            }
            return false;
        } else {
            return false;
        }
        return true;
    }
}
