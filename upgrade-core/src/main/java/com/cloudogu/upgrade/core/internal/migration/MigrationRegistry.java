package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.core.DiscoveredMigration;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import com.cloudogu.upgrade.core.internal.discovery.CodeLocations;
import com.cloudogu.upgrade.core.internal.discovery.ServiceDiscovery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
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
 * {@code NN-name}, a marker that is not a plain key or is one of the dogu's own keys
 * ({@link MigrationRules}), two migrations with the same id, and a listed provider that cannot be
 * loaded or created. Each message names the class and the jar it came from (for a provider that cannot be
 * loaded: the jar whose services file lists it), so the reader knows which plugin to fix. On
 * success one line lists what was found and where from, e.g.
 * {@code Discovered 2 migrations: 01-restore (migrations-builtin-0.1.0.jar), 50-acme-cleanup (acme.jar)}.
 */
public final class MigrationRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRegistry.class);

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
        ServiceDiscovery.Result<Migration> result = ServiceDiscovery.of(Migration.class, loader).load();
        List<String> problems = new ArrayList<>(result.problems());
        List<DiscoveredMigration> found = new ArrayList<>();
        for (ServiceDiscovery.Found<Migration> f : result.found()) {
            inspect(f, problems).ifPresent(found::add);
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

    /** Applies the contract's rules ({@link MigrationRules}) to one migration, as the kit does. */
    private static Optional<DiscoveredMigration> inspect(ServiceDiscovery.Found<Migration> f, List<String> problems) {
        Migration migration = f.provider();
        String what = "Migration " + migration.getClass().getName() + " from " + f.jarPath();
        String id;
        String description;
        Optional<String> marker;
        try {
            id = migration.id();
            description = migration.description();
            marker = migration.marker();
        } catch (RuntimeException e) {
            problems.add(what + " failed to report its id, description or marker: " + e + ". Fix the class.");
            return Optional.empty();
        }
        if (MigrationRules.idProblem(id).isPresent()) {
            problems.add(what + " has the id '" + id + "', which is not of the form NN-name: two or more digits,"
                    + " a dash, then lowercase letters and digits in words joined by dashes, e.g."
                    + " 04-update-extensions. Change the id the class returns.");
            return Optional.empty();
        }
        Optional<String> markerProblem = MigrationRules.markerProblem(marker);
        if (markerProblem.isPresent()) {
            problems.add(what + " (id " + id + "): " + markerProblem.get() + ". Change the marker the class returns.");
            return Optional.empty();
        }
        int order;
        try {
            order = MigrationRules.order(id);
        } catch (NumberFormatException e) {
            problems.add(what + " has the id '" + id + "', whose number is too large; use at most "
                    + Integer.MAX_VALUE + ".");
            return Optional.empty();
        }
        return Optional.of(new DiscoveredMigration(migration, id, order, description == null ? "" : description,
                f.jar()));
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
