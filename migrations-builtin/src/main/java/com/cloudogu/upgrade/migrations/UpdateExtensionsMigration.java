package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.migrations.support.SqlNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code 04-update-extensions}: after a major upgrade, brings every extension whose installed
 * version is older than the default version of the new server up to that default with
 * {@code ALTER EXTENSION ... UPDATE}, in every connectable database ({@code template0} holds no
 * extensions but the built-in {@code plpgsql}, which initdb installs at its default).
 *
 * <p>"Older" means: the installed version differs from the default and the extension's scripts
 * offer an update path from it to the default ({@code pg_extension_update_paths}). An extension
 * without such a path (installed version newer than the default, or scripts missing) is reported
 * and left alone. It applies only to a major upgrade (FROM and TO known, TO of a newer major), so
 * a version an administrator pinned on purpose is not changed by a minor update or a restart. It has
 * no marker: it is needed again after every major upgrade, and the databases themselves say
 * whether anything is left to do.
 *
 * <p>Failure policy: report, do not fail. Each update runs on its own; one that fails is logged as
 * a warning and reported with the database, the extension and the error, and the others go on
 * (failed ones are retried as long as another update in the same database succeeded, in case
 * they needed that one first). The phase does not fail, because an extension left at its old version keeps
 * working in nearly all cases and can be updated by hand at any time, while a failed phase would
 * keep the whole database down. The report names the statement to run.
 */
public final class UpdateExtensionsMigration implements Migration {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateExtensionsMigration.class);

    // Extensions whose installed version differs from the default, and whether an update path leads there.
    private static final String OUTDATED = """
            SELECT e.extname, e.extversion, a.default_version,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_extension_update_paths(e.extname) p
                            WHERE p.source = e.extversion AND p.target = a.default_version
                              AND p.path IS NOT NULL) AS updatable
              FROM pg_catalog.pg_extension e
              JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
             WHERE a.default_version IS NOT NULL AND e.extversion <> a.default_version
             ORDER BY e.extname COLLATE "C"
            """;

    /** An installed extension whose version differs from the server's default. */
    record OutdatedExtension(String name, String installed, String target, boolean updatable) {
    }

    @Override
    public String id() {
        return "04-update-extensions";
    }

    @Override
    public String description() {
        return "Update extensions to the new server's default versions in every database after a major upgrade";
    }

    @Override
    public boolean appliesTo(MigrationContext context) throws Exception {
        if (!isMajorUpgrade(context)) {
            LOG.info("{}: not a major upgrade ({} -> {}); extension versions are left as they are", id(),
                    context.from().map(DoguVersion::toString).orElse("none"),
                    context.to().map(DoguVersion::toString).orElse("none"));
            return false;
        }
        DatabaseServer server = context.server();
        boolean any = false;
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                List<OutdatedExtension> outdated = outdated(connection);
                if (outdated.stream().anyMatch(OutdatedExtension::updatable)) {
                    LOG.info("{}: database {} has outdated extensions {}", id(), database, outdated);
                    any = true;
                }
            }
        }
        return any;
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        DatabaseServer server = context.server();
        int updated = 0;
        List<String> failures = new ArrayList<>();
        for (String database : server.connectableDatabases()) {
            try (Connection connection = server.connect(database)) {
                updated += updateDatabase(database, connection, context, failures);
            } catch (SQLException e) {
                failures.add("database " + database + ": " + e.getMessage());
                LOG.warn("{}: could not check extensions in database {}: {}", id(), database, e.getMessage());
            }
        }
        if (failures.isEmpty()) {
            context.report("extensions: " + updated + " updated to the server's default version");
        } else {
            String message = "extensions: " + updated + " updated, " + failures.size() + " NOT updated and left at"
                    + " their old version: " + String.join("; ", failures);
            LOG.warn("{}: {}", id(), message);
            context.report(message);
        }
    }

    private int updateDatabase(String database, Connection connection, MigrationContext context,
                               List<String> failures) throws SQLException {
        Map<String, OutdatedExtension> pending = new LinkedHashMap<>();
        for (OutdatedExtension extension : outdated(connection)) {
            if (extension.updatable()) {
                pending.put(extension.name(), extension);
            } else {
                String message = "extension " + extension.name() + " in database " + database + " stays at version "
                        + extension.installed() + ": no update path to the default " + extension.target();
                LOG.warn("{}: {}", id(), message);
                context.report(message);
            }
        }
        int updated = 0;
        Map<String, SQLException> errors = new LinkedHashMap<>();
        // Failed updates are retried while the previous pass made progress: one may need another first.
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            errors.clear();
            progress = false;
            for (OutdatedExtension extension : List.copyOf(pending.values())) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER EXTENSION " + SqlNames.identifier(extension.name()) + " UPDATE");
                    pending.remove(extension.name());
                    updated++;
                    progress = true;
                    context.report("updated extension " + extension.name() + " in database " + database + " from "
                            + extension.installed() + " to " + extension.target());
                } catch (SQLException e) {
                    errors.put(extension.name(), e);
                }
            }
        }
        errors.forEach((name, e) -> failures.add("database " + database + ", extension " + name + " ("
                + pending.get(name).installed() + " -> " + pending.get(name).target() + "): " + e.getMessage()
                + " - resolve that, then run ALTER EXTENSION " + SqlNames.identifier(name)
                + " UPDATE in that database"));
        return updated;
    }

    static List<OutdatedExtension> outdated(Connection connection) throws SQLException {
        List<OutdatedExtension> extensions = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(OUTDATED)) {
            while (rows.next()) {
                extensions.add(new OutdatedExtension(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getBoolean(4)));
            }
        }
        return extensions;
    }

    private static boolean isMajorUpgrade(MigrationContext context) {
        return context.from().isPresent() && context.to().isPresent()
                && context.from().get().isMajorUpgradeTo(context.to().get());
    }
}
