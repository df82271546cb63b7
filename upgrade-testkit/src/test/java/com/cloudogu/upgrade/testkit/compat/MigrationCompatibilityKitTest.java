package com.cloudogu.upgrade.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The kit catches the mistakes it exists for, and says what is wrong instead of passing. */
class MigrationCompatibilityKitTest {

    private static final String VERSION = PostgresVersions.V16;

    private Kit kit;

    @AfterEach
    void stopServers() {
        if (kit != null) {
            kit.stopCompatibilityKitServers();
        }
    }

    @Test
    void aMigrationThatAddsARowOnEveryRunFailsTheSecondRunCheck() throws Exception {
        kit = new Kit(CountingRunsMigration::new);
        MigrationCompatibilityKit.Scenario scenario = new MigrationCompatibilityKit.Scenario(VERSION);
        kit.checkApplies(scenario);

        assertThatThrownBy(() -> kit.checkSecondRunChangesNothing(scenario))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("a second run without the marker")
                .hasMessageContaining("changed the cluster");
    }

    @Test
    void aMigrationThatSwallowsAFailedConnectionAndReportsSuccessIsCaught() throws Exception {
        kit = new Kit(() -> new AuditTableMigration() {
            @Override
            public void migrate(MigrationContext context) throws Exception {
                try {
                    super.migrate(context);
                } catch (SQLException e) {
                    // the mistake: carry on as if it worked
                }
            }
        });
        MigrationCompatibilityKit.Scenario scenario = new MigrationCompatibilityKit.Scenario(VERSION);
        kit.checkApplies(scenario);
        kit.checkSetMarkerSkips(scenario);

        assertThatThrownBy(() -> kit.checkInjectedFailure(scenario))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("reported success although connection");
    }

    @Test
    void aPreparationTheMigrationDoesNotDetectFailsTheAppliesCheck() {
        kit = new Kit(AuditTableMigration::new) {
            @Override
            protected void prepare(PostgresServer server) throws Exception {
                super.prepare(server);
                for (String database : List.of("postgres", "shop")) {
                    server.execute(database, "CREATE SCHEMA kit_audit; CREATE TABLE kit_audit.events (id bigint PRIMARY KEY,"
                            + " what text NOT NULL)");
                }
            }
        };

        assertThatThrownBy(() -> kit.checkApplies(new MigrationCompatibilityKit.Scenario(VERSION)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("appliesTo returned false on the prepared cluster");
    }

    @Test
    void aMigrationWithoutConnectionsIsReportedAsNotCheckedRatherThanPassed() throws Exception {
        kit = new Kit(NoConnectionMigration::new) {
            @Override
            protected void verifyApplied(PostgresServer server) {
            }
        };
        MigrationCompatibilityKit.Scenario scenario = new MigrationCompatibilityKit.Scenario(VERSION);
        kit.checkApplies(scenario);

        assertThatThrownBy(() -> kit.checkInjectedFailure(scenario))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("opened no database connection")
                .hasMessageContaining("override breakServer");
    }

    @Test
    void aMigrationWithoutMarkerIsReportedAsNotCheckedForTheMarker() throws Exception {
        kit = new Kit(() -> new AuditTableMigration() {
            @Override
            public Optional<String> marker() {
                return Optional.empty();
            }
        });

        assertThatThrownBy(() -> kit.checkSetMarkerSkips(new MigrationCompatibilityKit.Scenario(VERSION)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("declares no marker");
    }

    @Test
    void discoveryCheckNamesAMalformedIdAReservedMarkerAndAMissingServicesEntry() {
        kit = new Kit(() -> new AuditTableMigration() {
            @Override
            public String id() {
                return "7_audit";
            }
        });
        assertThatThrownBy(kit::checkDiscoverable).hasMessageContaining("'7_audit', which is not of the form NN-name");

        kit = new Kit(() -> new AuditTableMigration() {
            @Override
            public Optional<String> marker() {
                return Optional.of("local_state");
            }
        });
        assertThatThrownBy(kit::checkDiscoverable).hasMessageContaining("marker 'local_state' is reserved for the dogu's own state");

        kit = new Kit(NoConnectionMigration::new);
        assertThatThrownBy(kit::checkDiscoverable)
                .hasMessageContaining("is not listed in META-INF/services/com.cloudogu.upgrade.api.migration.Migration");

        kit = new Kit(AuditTableMigration::new);
        kit.checkDiscoverable();
    }

    @Test
    void versionsOfAnUnsupportedMajorAreRefused() {
        kit = new Kit(AuditTableMigration::new) {
            @Override
            protected List<String> serverVersions() {
                return List.of(PostgresVersions.V12);
            }
        };

        assertThatThrownBy(kit::checkedVersions).hasMessageContaining("does not include PostgreSQL 12");
        assertThat(new Kit(AuditTableMigration::new).checkedVersions()).containsExactly(VERSION);
    }

    /** A kit for {@link AuditTableMigration}'s preparation with any migration. */
    static class Kit extends MigrationCompatibilityKit {
        private final Supplier<Migration> migration;

        Kit(Supplier<Migration> migration) {
            this.migration = migration;
        }

        @Override
        protected Migration migration() {
            return migration.get();
        }

        @Override
        protected List<Integer> supportedMajors() {
            return List.of(16);
        }

        @Override
        protected void prepare(PostgresServer server) throws Exception {
            server.execute("postgres", "CREATE DATABASE shop");
        }

        @Override
        protected void verifyApplied(PostgresServer server) throws Exception {
            for (String database : List.of("postgres", "shop")) {
                assertThat(server.queryValue(database, AuditTableMigration.EXISTS)).as(database).isEqualTo("1");
            }
        }
    }

    /** Not idempotent: every run adds a row. */
    public static final class CountingRunsMigration extends AuditTableMigration {
        @Override
        public void migrate(MigrationContext context) throws Exception {
            super.migrate(context);
            try (Connection connection = context.server().connect("postgres");
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO kit_audit.events SELECT coalesce(max(id), 0) + 1, 'migrated'"
                        + " FROM kit_audit.events");
            }
        }

        @Override
        public boolean appliesTo(MigrationContext context) {
            return true;
        }
    }

    /** Does its work without the database (and is not listed in META-INF/services). */
    public static final class NoConnectionMigration implements Migration {
        @Override
        public String id() {
            return "51-no-connection";
        }

        @Override
        public String description() {
            return "Touches nothing";
        }

        @Override
        public Optional<String> marker() {
            return Optional.of("kit_no_connection");
        }

        @Override
        public void migrate(MigrationContext context) {
        }
    }
}
