package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.testkit.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party migrations through the real CLI jar: the example plugin's jar dropped into a plugins
 * directory runs in its order between the built-ins during a real post-upgrade; broken plugin jars
 * stop a phase before it changes anything, with the documented error and exit code.
 */
class PluginIT {

    private static final String OLD = PostgresVersions.V14_BEFORE_STATS_FIX;
    private static final String NEW = PostgresVersions.V14_AFTER_FIXES;
    private static final String FROM = "14.10-1";
    private static final String TO = "14.15-1";
    private static final String PLUGIN_ID = "04-grant-monitoring-role";
    private static final String PLUGIN_MARKER = "monitoring_role_granted";
    private static final String PLUGIN_JAR = "monitoring-role-plugin-1.0.0.jar";
    private static final List<String> RUN_ORDER = List.of("02-restrict-stat-visibility",
            "03-migrate-constraints-on-partitioned-tables", PLUGIN_ID, "04-update-extensions",
            "05-refresh-collation-versions");
    private static final List<String> BUILT_IN_MARKERS = List.of("restricted_stat_visibility",
            "migrated_database_constraints");
    private static final int DISCOVERY_FAILED = 3;

    @TempDir
    Path root;

    @Test
    void pluginMigrationRunsInItsOrderBetweenTheBuiltInsDuringPostUpgradeAndSetsItsMarker() throws Exception {
        Path plugins = PluginJars.directory(root.resolve("plugins"), PluginJars.examplePlugin());
        Path events = root.resolve("events.jsonl");
        Map<String, String> hookEnvironment = Map.of("DOGU_UPGRADE_PLUGINS", plugins.toString(),
                "DOGU_UPGRADE_EVENTS_FILE", events.toString());
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            dogu.startWithSampleDataOnly(OLD);
            PostgresServer old = dogu.server();
            old.execute("postgres", "REVOKE CONNECT ON DATABASE " + SampleData.INVENTORY_DATABASE + " FROM PUBLIC");
            ClusterFingerprint before = ClusterFingerprint.of(old);
            dogu.cli(OLD).start(hookEnvironment, "pre-upgrade", FROM, TO).await(600).ok();
            dogu.stopServer();

            CliProcess.Result post = dogu.cli(NEW).start(hookEnvironment, "post-upgrade", FROM, TO).await(600).ok();

            assertThat(post.stderr()).contains("Loading 1 plugin jar from " + plugins + ": " + PLUGIN_JAR,
                    PLUGIN_ID + " (" + PLUGIN_JAR + ")", "migration " + PLUGIN_ID + " finished");
            List<Map<String, String>> lines = EventLines.read(events);
            assertThat(EventLines.migrationOrder(lines, "post-upgrade")).containsExactlyElementsOf(RUN_ORDER);
            assertThat(lines).filteredOn(e -> PLUGIN_ID.equals(e.get("subject")))
                    .extracting(e -> e.get("type")).containsExactly("MIGRATION_STARTED", "MIGRATION_FINISHED");
            Map<String, String> finished = lines.stream().filter(e -> PLUGIN_ID.equals(e.get("subject"))
                    && "MIGRATION_FINISHED".equals(e.get("type"))).findFirst().orElseThrow();
            assertThat(finished).containsEntry("phase", "post-upgrade").containsEntry("format", "1");
            assertThat(Long.parseLong(finished.get("durationMs"))).isGreaterThanOrEqualTo(0);
            assertThat(lines.get(lines.size() - 1)).containsEntry("type", "PHASE_FINISHED")
                    .containsEntry("subject", "post-upgrade");
            assertThat(dogu.state().get(PLUGIN_MARKER)).contains("true");
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();

            CliProcess.Result status = dogu.cli(NEW).start(hookEnvironment, "status", "--json").await(60).ok();
            assertThat(status.stdout()).contains("\"" + PLUGIN_MARKER + "\":true", "\"restricted_stat_visibility\":true");

            try (PostgresServer upgraded = dogu.startServer(NEW)) {
                assertThat(upgraded.queryValue("postgres", "SELECT has_database_privilege('dogu_monitoring', '"
                        + SampleData.INVENTORY_DATABASE + "', 'CONNECT')::text")).isEqualTo("true");
                // Everything else is as it was: the plugin only added its role.
                assertThat(before.diff(ClusterFingerprint.of(upgraded)))
                        .allSatisfy(d -> assertThat(d.item()).contains("dogu_monitoring"))
                        .isNotEmpty();
            }
        }
    }

    @Test
    void brokenPluginJarsFailWithTheDiscoveryErrorNamingTheJarsAndLeaveTheBuiltInsUntouched() throws Exception {
        Path missingClass = PluginJars.directory(root.resolve("plugins-missing-class"), PluginJars.examplePlugin(),
                PluginJars.listingMissingClasses(root.resolve("jars/missing-class-plugin.jar"),
                        "com.example.broken.VanishedMigration"));
        Path duplicateId = PluginJars.directory(root.resolve("plugins-duplicate-id"),
                PluginJars.compiled(root.resolve("jars/duplicate-id-plugin.jar"), "com.example.dup.ShadowMigration", """
                        package com.example.dup;

                        import com.cloudogu.upgrade.api.migration.Migration;
                        import com.cloudogu.upgrade.api.migration.MigrationContext;

                        public class ShadowMigration implements Migration {
                            public String id() { return "02-restrict-stat-visibility"; }
                            public String description() { return "Reuses a built-in id"; }
                            public void migrate(MigrationContext context) { throw new IllegalStateException("ran"); }
                        }
                        """));
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            PostgresServer old = dogu.startServer(OLD);
            old.execute("postgres", "CREATE DATABASE shop");
            old.execute("shop", "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2)");
            dogu.cli(OLD).run("pre-upgrade", FROM, TO).ok();
            ClusterFingerprint before = ClusterFingerprint.of(old);
            dogu.stopServer();
            CliProcess cli = dogu.cli(NEW);

            CliProcess.Result missing = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", missingClass.toString()),
                    "post-upgrade", FROM, TO).await(600);
            assertThat(missing.exitCode()).isEqualTo(DISCOVERY_FAILED);
            assertThat(missing.stderr()).contains("dogu-upgrade: error [DU-DISCOVERY]",
                    "Migration provider com.example.broken.VanishedMigration (listed in " + PluginJars.SERVICES_FILE
                            + " of " + missingClass.resolve("missing-class-plugin.jar") + ") could not be loaded:"
                            + " the class is not there")
                    .doesNotContain("\tat ");
            assertNothingRan(missing);

            CliProcess.Result duplicate = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", duplicateId.toString()),
                    "post-upgrade", FROM, TO).await(600);
            assertThat(duplicate.exitCode()).isEqualTo(DISCOVERY_FAILED);
            assertThat(duplicate.stderr()).contains("dogu-upgrade: error [DU-DISCOVERY]",
                    "2 migrations have the id '02-restrict-stat-visibility'", "dogu-upgrade.jar",
                    "com.example.dup.ShadowMigration from " + duplicateId.resolve("duplicate-id-plugin.jar"));
            assertNothingRan(duplicate);
            CliProcess.Result listing = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", duplicateId.toString()),
                    "migrations").await(60);
            assertThat(listing.exitCode()).isEqualTo(DISCOVERY_FAILED);
            assertThat(listing.stderr()).contains("[DU-DISCOVERY]", "duplicate-id-plugin.jar");

            // The built-ins are untouched: listed without the plugins, not run, markers unset, data as before.
            CliProcess.Result builtIns = cli.run("migrations").ok();
            assertThat(builtIns.stdout()).contains("02-restrict-stat-visibility", "05-refresh-collation-versions")
                    .doesNotContain(PLUGIN_ID);
            for (String marker : BUILT_IN_MARKERS) {
                assertThat(dogu.state().get(marker)).as(marker).isEmpty();
            }
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).hasValueSatisfying(
                    s -> assertThat(s).startsWith("failed: Migration discovery found 1 problem"));
            assertThat(dogu.pgdata(OLD).resolve("postmaster.pid")).doesNotExist();
            try (PostgresServer same = dogu.startServer(OLD)) {
                assertThat(before.diff(ClusterFingerprint.of(same))).isEmpty();
            }
            dogu.stopServer();

            // Without the broken jars the same post-upgrade resumes and completes.
            CliProcess.Result rerun = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", PluginJars.directory(
                    root.resolve("plugins-fixed"), PluginJars.examplePlugin()).toString()), "post-upgrade", FROM, TO)
                    .await(600).ok();
            assertThat(rerun.stderr()).contains("migration 02-restrict-stat-visibility finished",
                    "migration " + PLUGIN_ID + " finished");
            assertThat(dogu.state().get("restricted_stat_visibility")).contains("true");
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        }
    }

    @Test
    void aPluginWhoseMarkerIsThePasswordKeyIsRefusedBeforeAnythingRunsAndThePasswordStays() throws Exception {
        String password = "kept-as-it-was-42";
        Path greedy = PluginJars.directory(root.resolve("plugins-password-marker"),
                PluginJars.compiled(root.resolve("jars/password-marker-plugin.jar"), "com.example.greedy.Greedy", """
                        package com.example.greedy;

                        import com.cloudogu.upgrade.api.migration.Migration;
                        import com.cloudogu.upgrade.api.migration.MigrationContext;
                        import java.util.Optional;

                        public class Greedy implements Migration {
                            public String id() { return "60-greedy"; }
                            public String description() { return "Marks itself done in the password key"; }
                            public Optional<String> marker() { return Optional.of("password"); }
                            public void migrate(MigrationContext context) { }
                        }
                        """));
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root)) {
            dogu.startServer(OLD);
            dogu.cli(OLD).run("pre-upgrade", FROM, TO).ok();
            dogu.stopServer();
            dogu.setPassword(password);
            CliProcess cli = dogu.cli(NEW);

            CliProcess.Result refused = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", greedy.toString()),
                    "post-upgrade", FROM, TO).await(600);

            assertThat(refused.exitCode()).isEqualTo(DISCOVERY_FAILED);
            assertThat(refused.stderr()).contains("dogu-upgrade: error [DU-DISCOVERY]",
                    "com.example.greedy.Greedy from " + greedy.resolve("password-marker-plugin.jar"),
                    "marker 'password' is reserved").doesNotContain("\tat ", password);
            assertNothingRan(refused);
            assertThat(dogu.state().get(StateKeys.PASSWORD)).contains(password);
            CliProcess.Result listing = cli.start(Map.of("DOGU_UPGRADE_PLUGINS", greedy.toString()), "migrations")
                    .await(60);
            assertThat(listing.exitCode()).isEqualTo(DISCOVERY_FAILED);
            assertThat(listing.stderr()).contains("marker 'password' is reserved");
        }
    }

    private static void assertNothingRan(CliProcess.Result result) {
        assertThat(result.stderr()).doesNotContain("temporary PostgreSQL", "migration 01-restore",
                "migration 02-restrict-stat-visibility");
    }

    /** Reads the events file: flat JSON objects whose values are strings, numbers or null. */
    static final class EventLines {
        private static final Pattern FIELD = Pattern.compile("\"([a-zA-Z]+)\":(null|-?[0-9]+|\"((?:[^\"\\\\]|\\\\.)*)\")");

        private EventLines() {
        }

        static List<Map<String, String>> read(Path file) throws Exception {
            List<Map<String, String>> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                assertThat(line).startsWith("{\"format\":1,").endsWith("}");
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher m = FIELD.matcher(line);
                while (m.find()) {
                    fields.put(m.group(1), m.group(3) != null ? m.group(3) : "null".equals(m.group(2)) ? null : m.group(2));
                }
                assertThat(fields).containsOnlyKeys("format", "at", "pid", "phase", "type", "subject", "durationMs",
                        "message", "bytesDone", "bytesTotal");
                lines.add(fields);
            }
            return lines;
        }

        /** @return the migration ids in the order their first event appeared in the phase */
        static List<String> migrationOrder(List<Map<String, String>> lines, String phase) {
            return lines.stream()
                    .filter(e -> phase.equals(e.get("phase")) && e.get("type").startsWith("MIGRATION_"))
                    .map(e -> e.get("subject"))
                    .distinct()
                    .toList();
        }
    }
}
