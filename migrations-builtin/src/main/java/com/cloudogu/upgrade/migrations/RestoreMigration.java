package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.api.migration.PendingRestore;
import java.sql.Connection;
import java.sql.Statement;

/**
 * {@code 01-restore}: restores the full backup taken by pre-upgrade into the fresh cluster of the
 * new major, then refreshes planner statistics (a restored cluster has none) and marks the restore
 * complete. It has no marker: the pending backup ({@code migration_backup_path}) is the signal.
 */
public final class RestoreMigration implements Migration {

    @Override
    public String id() {
        return "01-restore";
    }

    @Override
    public String description() {
        return "Restore the full backup of the previous major into the new cluster and refresh statistics";
    }

    @Override
    public boolean appliesTo(MigrationContext context) {
        return context.pendingRestore().isPresent();
    }

    @Override
    public void migrate(MigrationContext context) throws Exception {
        PendingRestore restore = context.pendingRestore().orElseThrow();
        restore.restore();
        long t0 = System.nanoTime();
        for (String database : context.server().connectableDatabases()) {
            try (Connection c = context.server().connect(database); Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
        context.report("statistics refreshed in every database in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        restore.complete();
    }
}
