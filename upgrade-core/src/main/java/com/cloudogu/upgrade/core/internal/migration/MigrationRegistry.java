package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.core.DiscoveredMigration;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.Migration;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrations found with {@link ServiceLoader}: every class listed in a
 * {@code META-INF/services/com.cloudogu.upgrade.api.migration.Migration} file the class loader can
 * see, in the order they run (the number their id starts with, then the id).
 *
 * <p>Discovery checks everything before anything runs and reports every problem in one
 * {@link UpgradeException} with {@link ErrorCode#MIGRATION_DISCOVERY}: an id that is not
 * {@code NN-name}, two migrations with the same id, and a listed provider that cannot be loaded or
 * created. Each message names the class and the jar it came from (for a provider that cannot be
 * loaded: the jar whose services file lists it), so the reader knows which plugin to fix. On
 * success one line lists what was found and where from, e.g.
 * {@code Discovered 2 migrations: 01-restore (migrations-builtin-0.1.0.jar), 50-acme-cleanup (acme.jar)}.
 */
public final class MigrationRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRegistry.class);

    /** What every migration id must look like. */
    public static final Pattern ID = Pattern.compile("^[0-9]{2,}-[a-z0-9]+(-[a-z0-9]+)*$");

    private static final String SERVICE_FILE = "META-INF/services/" + Migration.class.getName();
    private static final Comparator<DiscoveredMigration> RUN_ORDER =
            Comparator.comparingInt(DiscoveredMigration::order).thenComparing(DiscoveredMigration::id);

    private final List<DiscoveredMigration> migrations;

    private MigrationRegistry(List<DiscoveredMigration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /**
     * Finds the migrations dogu-upgrade's own class loader sees.
     *
     * @return the registry
     * @throws UpgradeException with {@link ErrorCode#MIGRATION_DISCOVERY} listing every problem found
     */
    public static MigrationRegistry discover() {
        return discover(MigrationRegistry.class.getClassLoader());
    }

    /**
     * Finds the migrations a class loader sees, e.g. one from {@link PluginDirectory#open}.
     *
     * @param loader where to look
     * @return the registry
     * @throws UpgradeException with {@link ErrorCode#MIGRATION_DISCOVERY} listing every problem found
     */
    public static MigrationRegistry discover(ClassLoader loader) {
        ServiceFileIndex index = ServiceFileIndex.read(loader, Migration.class);
        List<String> problems = new ArrayList<>();
        index.unreadable().forEach(u -> problems.add("The file " + SERVICE_FILE + " in " + u + " cannot be read."));
        List<DiscoveredMigration> found = new ArrayList<>();
        List<String> listed = index.classNames();
        Iterator<Migration> providers = ServiceLoader.load(Migration.class, loader).iterator();
        int position = 0;
        int failures = 0;
        while (true) {
            Migration migration;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                migration = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                String className = blame(e, listed, position);
                position = className == null ? position + 1 : listed.indexOf(className) + 1;
                problems.add(loadFailure(className, e, index));
                // ServiceLoader skips a broken entry only "on a best-effort basis": never loop forever
                if (++failures > listed.size()) {
                    break;
                }
                continue;
            }
            position = listed.indexOf(migration.getClass().getName()) + 1;
            warnIfShadowed(migration.getClass(), index);
            inspect(migration, problems).ifPresent(found::add);
        }
        problems.addAll(duplicates(found));
        if (!problems.isEmpty()) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Migration discovery found "
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n  - "
                    + String.join("\n  - ", problems));
        }
        found.sort(RUN_ORDER);
        logDiscovered(found);
        return new MigrationRegistry(found);
    }

    /** @return every migration, in run order */
    public List<DiscoveredMigration> migrations() {
        return migrations;
    }

    /**
     * @param id a migration id
     * @return the migration with that id
     */
    public Optional<DiscoveredMigration> find(String id) {
        return migrations.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static Optional<DiscoveredMigration> inspect(Migration migration, List<String> problems) {
        Class<?> type = migration.getClass();
        URL location = CodeLocations.of(type);
        String what = "Migration " + type.getName() + " from " + CodeLocations.fullName(location);
        String id;
        String description;
        try {
            id = migration.id();
            description = migration.description();
        } catch (RuntimeException e) {
            problems.add(what + " failed to report its id or description: " + e + ". Fix the class.");
            return Optional.empty();
        }
        if (id == null || !ID.matcher(id).matches()) {
            problems.add(what + " has the id '" + id + "', which is not of the form NN-name: two or more digits,"
                    + " a dash, then lowercase letters and digits in words joined by dashes, e.g."
                    + " 04-update-extensions. Change the id the class returns.");
            return Optional.empty();
        }
        int order;
        try {
            order = Integer.parseInt(id.substring(0, id.indexOf('-')));
        } catch (NumberFormatException e) {
            problems.add(what + " has the id '" + id + "', whose number is too large; use at most "
                    + Integer.MAX_VALUE + ".");
            return Optional.empty();
        }
        return Optional.of(new DiscoveredMigration(migration, id, order, description == null ? "" : description,
                CodeLocations.shortName(location)));
    }

    private static List<String> duplicates(List<DiscoveredMigration> found) {
        Map<String, List<DiscoveredMigration>> byId = found.stream()
                .collect(Collectors.groupingBy(DiscoveredMigration::id, LinkedHashMap::new, Collectors.toList()));
        List<String> problems = new ArrayList<>();
        byId.forEach((id, same) -> {
            if (same.size() > 1) {
                String classes = same.stream()
                        .map(m -> m.migration().getClass().getName() + " from "
                                + CodeLocations.fullName(CodeLocations.of(m.migration().getClass())))
                        .collect(Collectors.joining(" and "));
                problems.add(same.size() + " migrations have the id '" + id + "': " + classes
                        + ". Ids must be unique: rename one of them (the number sets the order) or remove one jar.");
            }
        });
        return problems;
    }

    /** Finds the provider a ServiceLoader error is about: by name in its message, else by position. */
    private static String blame(Throwable error, List<String> listed, int position) {
        String message = String.valueOf(error.getMessage());
        String best = null;
        for (String name : listed) {
            Pattern whole = Pattern.compile("(?<![\\w.$])" + Pattern.quote(name) + "(?![\\w.$])");
            if (whole.matcher(message).find() && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        if (best != null) {
            return best;
        }
        return position < listed.size() ? listed.get(position) : null;
    }

    private static String loadFailure(String className, Throwable error, ServiceFileIndex index) {
        if (className == null) {
            return "A migration provider could not be loaded: " + error + ".";
        }
        Set<URL> listedBy = index.listedBy(className);
        String where = listedBy.isEmpty() ? "" : " (listed in " + SERVICE_FILE + " of " + listedBy.stream()
                .map(CodeLocations::fullName).collect(Collectors.joining(" and ")) + ")";
        return "Migration provider " + className + where + " could not be loaded: " + reason(error);
    }

    private static String reason(Throwable error) {
        if (error instanceof LinkageError) {
            return "a class it needs is missing or incompatible (" + error + "). Check that the jar was built"
                    + " against this version of upgrade-api and that its dependencies are present.";
        }
        String message = String.valueOf(error.getMessage());
        Throwable cause = error.getCause();
        if (cause instanceof InvocationTargetException ite && ite.getCause() != null) {
            cause = ite.getCause();
        }
        if (message.endsWith(" not found")) {
            return "the class is not there. Add the class to the jar or remove the line from the services file.";
        }
        if (message.endsWith(" not a subtype")) {
            return "the class does not implement " + Migration.class.getName()
                    + ". Implement it or remove the line from the services file.";
        }
        if (message.contains("no-arg constructor")) {
            return "the class has no public no-argument constructor. Add one.";
        }
        if (message.contains("could not be instantiated") && cause != null) {
            return "its constructor threw " + cause + ". Fix the constructor.";
        }
        return message + (cause != null ? " (" + cause + ")" : "") + ".";
    }

    private static void warnIfShadowed(Class<?> type, ServiceFileIndex index) {
        Set<URL> listedBy = index.listedBy(type.getName());
        if (listedBy.size() > 1) {
            LOG.warn("Migration {} is listed by {}; only the class from {} is used. Remove the extra copies.",
                    type.getName(), listedBy.stream().map(CodeLocations::fullName).collect(Collectors.joining(" and ")),
                    CodeLocations.fullName(CodeLocations.of(type)));
        }
    }

    private static void logDiscovered(List<DiscoveredMigration> found) {
        if (found.isEmpty()) {
            LOG.info("Discovered no migrations (no {} file lists any)", SERVICE_FILE);
            return;
        }
        LOG.info("Discovered {} {}: {}", found.size(), found.size() == 1 ? "migration" : "migrations",
                found.stream().map(DiscoveredMigration::toString).collect(Collectors.joining(", ")));
        for (DiscoveredMigration m : found) {
            LOG.debug("  {} (order {}, {}): {}", m.id(), m.order(), m.migration().getClass().getName(),
                    m.description());
        }
    }
}
