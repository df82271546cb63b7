package com.cloudogu.upgrade.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.core.internal.migration.MigrationRunner;
import com.cloudogu.upgrade.core.internal.migration.MigrationRunner.Outcome;
import com.cloudogu.upgrade.core.internal.migration.MigrationRunner.Result;
import com.cloudogu.upgrade.api.migration.MigrationRules;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compatibility kit for a {@link Migration}: extend it, name the migration and the PostgreSQL
 * majors it supports, say how to create the state it repairs and how to see that it did, and the kit
 * proves on a real server of each major what the engine relies on:
 *
 * <ol>
 *   <li><b>it is discoverable</b>: listed in {@code META-INF/services}, a public no-argument
 *       constructor, an id of the form {@code NN-name}, a description, a marker key that is a plain
 *       state key and none of the dogu's own keys;
 *   <li><b>it applies</b> to a {@linkplain #prepare prepared} cluster, {@link #verifyApplied} holds
 *       afterwards, and its marker is {@code true};
 *   <li><b>a second run changes nothing</b>, first with the marker set (skipped), then without it (as
 *       after a crash between the migration's end and the marker being written): the
 *       {@linkplain #snapshot snapshot} of the cluster stays the same and {@link #verifyApplied}
 *       still holds;
 *   <li><b>a set marker skips it</b> on a prepared cluster: nothing is called and nothing changes;
 *   <li><b>a failure leaves the marker unset and the database consistent</b>: the kit refuses the
 *       last database connection the migration opens (as a crashed server would); the migration
 *       must fail, the marker stays unset, the same databases accept connections,
 *       {@link #verifyConsistent} holds, and a rerun ends in the same content as an uninterrupted
 *       run. If the migration opens no connection, or tolerates the refusal, the kit says so and
 *       reports the check as aborted (never as passed); override {@link #breakServer} to force a
 *       failure your own way, which adds a fifth check.
 * </ol>
 *
 * <p>The kit runs the migration through the engine's own runner (upgrade-core's
 * {@code MigrationRunner}, the one the phases use), with an {@link InMemoryStateStore} and a
 * {@link TestMigrationContext} over a {@link PostgresServer} started for the check, and applies the
 * engine's rules from {@link MigrationRules}: what passes here is what the engine accepts. Each major shows as its own group of tests.
 *
 * <pre>{@code
 * class GrantMonitoringRoleMigrationKitTest extends MigrationCompatibilityKit {
 *     protected Migration migration() { return new GrantMonitoringRoleMigration(); }
 *     protected List<Integer> supportedMajors() { return List.of(13, 15, 17); }
 *     protected void prepare(PostgresServer server) throws Exception {
 *         server.execute("postgres", "CREATE DATABASE shop; REVOKE CONNECT ON DATABASE shop FROM PUBLIC");
 *     }
 *     protected void verifyApplied(PostgresServer server) throws Exception {
 *         assertEquals("t", server.queryValue("postgres",
 *                 "SELECT has_database_privilege('dogu_monitoring', 'shop', 'CONNECT')::text"));
 *     }
 * }
 * }</pre>
 */
public abstract class MigrationCompatibilityKit {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationCompatibilityKit.class);


    private static final int MAX_LISTED_DIFFERENCES = 20;

    private final List<PostgresServer> servers = new ArrayList<>();

    /** @return a new instance of the migration under test (called once per run) */
    protected abstract Migration migration();

    /**
     * @return the PostgreSQL majors the migration supports, e.g. {@code List.of(13, 15, 17)}; the kit
     *     runs on the latest verified minor of each ({@link PostgresVersions#latest(int)}) unless
     *     {@link #serverVersions()} says otherwise
     */
    protected abstract List<Integer> supportedMajors();

    /**
     * Creates, on a freshly initialized cluster, the state the migration exists to change: e.g. the
     * databases whose permissions it fixes. After this, {@link Migration#appliesTo} must return true.
     *
     * @param server a running server of one supported major
     * @throws Exception if preparing failed (the check fails)
     */
    protected abstract void prepare(PostgresServer server) throws Exception;

    /**
     * Asserts that the migration's work is done, with JUnit (or AssertJ) assertions.
     *
     * @param server the server the migration ran against
     * @throws Exception if the check could not be made
     */
    protected abstract void verifyApplied(PostgresServer server) throws Exception;

    /**
     * @return the zonky versions to run on, one or more per supported major (each must be of a
     *     supported major); default: the latest verified minor of each supported major. Override to
     *     run on the old minors a defect can be reproduced with, e.g.
     *     {@link PostgresVersions#V14_BEFORE_STATS_FIX}.
     */
    protected List<String> serverVersions() {
        return supportedMajors().stream().map(PostgresVersions::latest).toList();
    }

    /**
     * Starts a server with a fresh cluster for one check. Override to start it differently, e.g. to
     * initialize the cluster with an old minor and run it with a newer one
     * ({@link PostgresServer#restartWith}). The kit stops it when the check is done.
     *
     * @param version one of {@link #serverVersions()}
     * @return the running server
     * @throws Exception if it could not be started
     */
    protected PostgresServer startServer(String version) throws Exception {
        return PostgresServer.builder(version).start();
    }

    /**
     * @param server the server the migration will run against
     * @return the dogu version of the upgrade's FROM; default: a major upgrade from the previous
     *     major ({@code <major-1>.0-1}), the situation most migrations run in
     */
    protected Optional<DoguVersion> from(PostgresServer server) {
        return Optional.of(DoguVersion.parse((server.majorVersion() - 1) + ".0-1"));
    }

    /**
     * @param server the server the migration will run against
     * @return the dogu version of the upgrade's TO; default: the server's own version, release 1
     */
    protected Optional<DoguVersion> to(PostgresServer server) {
        return Optional.of(DoguVersion.parse(server.majorVersion() + "." + server.binaries().minor() + "-1"));
    }

    /**
     * What "changes nothing" and "the same content" are judged by: sorted {@code item -> value}
     * pairs. Default: the {@link ClusterFingerprint} (databases, roles with their attributes and
     * memberships, tables with their rows, sequences, extensions, large objects), plus every
     * database's {@code datallowconn} and access privileges. Override and add to
     * {@code super.snapshot(server)} what your migration changes and the fingerprint does not see.
     * Two runs of the same preparation must give equal snapshots.
     *
     * @param server a running server
     * @return the snapshot
     * @throws Exception if it could not be taken
     */
    protected SortedMap<String, String> snapshot(PostgresServer server) throws Exception {
        SortedMap<String, String> items = new TreeMap<>(ClusterFingerprint.of(server).items());
        try (Connection connection = server.connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT datname, datallowconn::text,"
                     + " coalesce(datacl::text, '(default)') FROM pg_catalog.pg_database")) {
            while (rows.next()) {
                String database = "kit / database " + rows.getString(1);
                items.put(database + " / datallowconn", rows.getString(2));
                items.put(database + " / access privileges", rows.getString(3));
            }
        }
        return items;
    }

    /**
     * Optional: breaks something the migration needs, on a prepared cluster, so that it fails. If
     * overridden, the kit adds the check "a failure forced by breakServer ...": run (must fail),
     * marker unset, {@link #verifyConsistent}, {@link #repairServer}, rerun (must succeed),
     * {@link #verifyApplied}.
     *
     * @param server a prepared server
     * @return true if something was broken
     * @throws Exception if breaking failed
     */
    protected boolean breakServer(PostgresServer server) throws Exception {
        return false;
    }

    /**
     * Undoes {@link #breakServer} so that a rerun can succeed.
     *
     * @param server the broken server
     * @throws Exception if repairing failed
     */
    protected void repairServer(PostgresServer server) throws Exception {
    }

    /**
     * Asserts what must hold after the migration failed part-way, beyond what the kit checks itself
     * (marker unset, same databases accept connections, a rerun completes): e.g. that no table is left
     * without its foreign key. Default: nothing more.
     *
     * @param server the server the migration failed on
     * @throws Exception if the check could not be made
     */
    protected void verifyConsistent(PostgresServer server) throws Exception {
    }

    /** @return every check, the server-based ones grouped by server version */
    @TestFactory
    @DisplayName("migration compatibility kit")
    public final Stream<DynamicNode> migrationCompatibilityKit() {
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(dynamicTest("is discoverable: listed in META-INF/services, id NN-name, a description,"
                + " a valid marker key", this::checkDiscoverable));
        for (String version : checkedVersions()) {
            Scenario scenario = new Scenario(version);
            List<DynamicNode> checks = new ArrayList<>(List.of(
                    dynamicTest("applies to a prepared cluster and sets its marker", () -> checkApplies(scenario)),
                    dynamicTest("a second run changes nothing", () -> checkSecondRunChangesNothing(scenario)),
                    dynamicTest("a set marker skips it", () -> checkSetMarkerSkips(scenario)),
                    dynamicTest("a failure part-way leaves the marker unset and the database consistent",
                            () -> checkInjectedFailure(scenario))));
            if (overridesBreakServer()) {
                checks.add(dynamicTest("a failure forced by breakServer leaves the marker unset and the database"
                        + " consistent", () -> checkForcedFailure(scenario)));
            }
            nodes.add(dynamicContainer("PostgreSQL " + version, checks.stream()));
        }
        return nodes.stream();
    }

    /** Stops every server a check left running (a failed check does not get to stop its own). */
    @AfterEach
    public final void stopCompatibilityKitServers() {
        List<PostgresServer> left = new ArrayList<>(servers);
        servers.clear();
        left.forEach(PostgresServer::close);
    }

    // ----------------------------------------------------------------------------------------------
    // The checks. Package-private so that the kit's own tests can run them on faulty migrations.

    /** What the checks of one server version share. */
    static final class Scenario {
        final String version;
        /** Server of "applies", kept for "a second run changes nothing". */
        PostgresServer applied;
        InMemoryStateStore appliedState;
        /** The content after an uninterrupted run: what a rerun after a failure must end in. */
        SortedMap<String, String> reference;
        /** Connections the migration opened in an uninterrupted run; -1 until known. */
        int connections = -1;
        /** A prepared server on which the migration has not run, from "a set marker skips it". */
        PostgresServer prepared;

        Scenario(String version) {
            this.version = version;
        }
    }

    List<String> checkedVersions() {
        List<Integer> majors = supportedMajors();
        if (majors == null || majors.isEmpty()) {
            throw new IllegalStateException(getClass().getName() + ".supportedMajors() names no PostgreSQL major;"
                    + " list the majors the migration supports, e.g. List.of(13, 15, 17)");
        }
        List<String> versions = serverVersions();
        if (versions.isEmpty()) {
            throw new IllegalStateException(getClass().getName() + ".serverVersions() names no server version");
        }
        for (String version : versions) {
            int major = majorOf(version);
            if (!majors.contains(major)) {
                throw new IllegalStateException(getClass().getName() + ".serverVersions() lists " + version
                        + ", but supportedMajors() " + majors + " does not include PostgreSQL " + major);
            }
        }
        return versions;
    }

    void checkDiscoverable() {
        Migration migration = migration();
        Class<?> type = migration.getClass();
        String id = migration.id();
        assertTrue(MigrationRules.idProblem(id).isEmpty(), () -> type.getName() + " has the id '" + id
                + "', which is not of the form NN-name: two or more digits, a dash, then lowercase letters and"
                + " digits in words joined by dashes, e.g. 50-grant-monitoring-role. The engine refuses it.");
        String description = migration.description();
        assertTrue(description != null && !description.isBlank(), () -> type.getName()
                + " has no description; say in one sentence what it does (it is listed by 'dogu-upgrade migrations')");
        Optional<String> marker = migration.marker();
        if (marker.isPresent()) {
            String key = marker.get();
            Optional<String> problem = MigrationRules.markerProblem(marker);
            assertTrue(problem.isEmpty(), () -> type.getName() + ": " + problem.orElse("")
                    + ". The engine refuses it.");
            assertEquals(marker, migration().marker(), () -> type.getName() + ".marker() must return the same key"
                    + " on every instance");
        }
        assertTrue(Modifier.isPublic(type.getModifiers()), () -> type.getName() + " must be public for ServiceLoader");
        try {
            assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()));
        } catch (NoSuchMethodException e) {
            fail(type.getName() + " has no public no-argument constructor; ServiceLoader needs one", e);
        }
        String servicesFile = "META-INF/services/" + Migration.class.getName();
        boolean listed;
        try {
            listed = ServiceLoader.load(Migration.class, type.getClassLoader()).stream()
                    .anyMatch(provider -> provider.type() == type);
        } catch (ServiceConfigurationError e) {
            fail("A provider in " + servicesFile + " cannot be loaded: " + e.getMessage(), e);
            return;
        }
        assertTrue(listed, () -> type.getName() + " is not listed in " + servicesFile + " (src/main/resources/"
                + servicesFile + "); the engine would never find it");
    }

    void checkApplies(Scenario scenario) throws Exception {
        PostgresServer server = start(scenario.version);
        scenario.applied = server;
        prepare(server);
        InMemoryStateStore state = new InMemoryStateStore();
        FaultInjectingServer counting = new FaultInjectingServer(server, -1);
        Migration migration = migration();
        Outcome outcome = run(migration, context(counting, server, state));
        failIfFailed(outcome, migration, "on a prepared cluster");
        assertEquals(Result.APPLIED, outcome.result(), () -> migration.id() + ": appliesTo returned false on the"
                + " prepared cluster. prepare(server) must create the state the migration repairs, and appliesTo"
                + " must detect it.");
        migration.marker().ifPresent(key -> assertEquals(MigrationRules.MARKER_DONE, state.get(key).orElse(null),
                () -> "the marker " + key + " must be true after the migration succeeded"));
        verifyApplied(server);
        scenario.appliedState = state;
        scenario.connections = counting.connections();
        scenario.reference = snapshot(server);
        LOG.info("{} applied on PostgreSQL {} with {} connection(s)", migration.id(), scenario.version,
                scenario.connections);
    }

    void checkSecondRunChangesNothing(Scenario scenario) throws Exception {
        Assumptions.assumeTrue(scenario.reference != null,
                "needs the cluster of 'applies to a prepared cluster', which did not complete");
        PostgresServer server = scenario.applied;
        try {
            InMemoryStateStore state = scenario.appliedState;
            Migration migration = migration();
            Optional<String> marker = migration.marker();
            if (marker.isPresent()) {
                Outcome skipped = run(migration, context(server, server, state));
                assertEquals(Result.SKIPPED_BY_MARKER, skipped.result(), skipped::describe);
                assertUnchanged(scenario.reference, snapshot(server), "a second run with the marker set");
                state.remove(marker.get());
            }
            Migration again = migration();
            Outcome outcome = run(again, context(server, server, state));
            failIfFailed(outcome, again, "a second time (without its marker, as after a crash before the marker"
                    + " was written)");
            assertUnchanged(scenario.reference, snapshot(server), "a second run without the marker (as after a crash"
                    + " between the migration's end and the marker being written)");
            verifyApplied(server);
            assertMarkerMatches(again, state, outcome);
        } finally {
            stop(server);
            scenario.applied = null;
        }
    }

    void checkSetMarkerSkips(Scenario scenario) throws Exception {
        PostgresServer server = start(scenario.version);
        scenario.prepared = server;
        prepare(server);
        Migration migration = migration();
        Optional<String> marker = migration.marker();
        Assumptions.assumeTrue(marker.isPresent(), () -> migration.id() + " declares no marker, so there is nothing"
                + " to skip: the engine runs it in every phase, and appliesTo must find out from the database"
                + " whether there is work");
        SortedMap<String, String> before = snapshot(server);
        InMemoryStateStore state = new InMemoryStateStore();
        state.set(marker.get(), MigrationRules.MARKER_DONE);
        Outcome outcome = run(migration, context(server, server, state));
        assertEquals(Result.SKIPPED_BY_MARKER, outcome.result(), outcome::describe);
        assertUnchanged(before, snapshot(server), "a run with the marker set");
        assertEquals(MigrationRules.MARKER_DONE, state.get(marker.get()).orElse(null), "the marker must stay set");
    }

    void checkInjectedFailure(Scenario scenario) throws Exception {
        Assumptions.assumeTrue(scenario.connections >= 0 && scenario.reference != null,
                "needs the connection count and content of 'applies to a prepared cluster', which did not complete");
        int total = scenario.connections;
        Migration migration = migration();
        Assumptions.assumeTrue(total > 0, () -> migration.id() + " opened no database connection, so the kit cannot"
                + " make it fail part-way; override breakServer(server) to force a failure");
        PostgresServer server = scenario.prepared;
        if (server == null) {
            server = start(scenario.version);
            prepare(server);
        }
        try {
            InMemoryStateStore state = new InMemoryStateStore();
            SortedMap<String, String> before = snapshot(server);
            int refused = total - 1;
            String fault = "connection " + total + " of " + total + " was refused";
            FaultInjectingServer faulty = new FaultInjectingServer(server, refused);
            Outcome outcome = run(migration, context(faulty, server, state));
            if (outcome.result() == Result.APPLIED) {
                try {
                    verifyApplied(server);
                } catch (AssertionError e) {
                    fail(migration.id() + " reported success although " + fault + ", and verifyApplied fails: a"
                            + " migration must throw when its work failed, so that the marker stays unset", e);
                }
                Assumptions.abort(migration.id() + " tolerated that " + fault + " (it retried or did not need it), so"
                        + " the failure path was not exercised; override breakServer(server) to force a failure");
            }
            assertNotEquals(Result.NOT_APPLICABLE, outcome.result(), () -> migration.id() + ": appliesTo returned"
                    + " false although " + fault + "; it must throw when it cannot decide");
            assertEquals(Result.FAILED, outcome.result(), outcome::describe);
            LOG.info("{} failed as expected when {}: {}", migration.id(), fault, outcome.failure().toString());
            assertFailureKeptStateConsistent(migration, server, state, before);
            rerunAfterFailure(server, state);
            assertUnchanged(scenario.reference, snapshot(server), "the rerun after the failure must end in the same"
                    + " content as an uninterrupted run");
        } finally {
            stop(server);
            scenario.prepared = null;
        }
    }

    void checkForcedFailure(Scenario scenario) throws Exception {
        PostgresServer server = start(scenario.version);
        try {
            prepare(server);
            Migration migration = migration();
            assertTrue(breakServer(server), "breakServer(server) returned false: it must break something the"
                    + " migration needs and return true");
            SortedMap<String, String> before = snapshot(server);
            InMemoryStateStore state = new InMemoryStateStore();
            Outcome outcome = run(migration, context(server, server, state));
            assertEquals(Result.FAILED, outcome.result(), () -> "breakServer(server) did not make " + migration.id()
                    + " fail: " + outcome.describe());
            assertFailureKeptStateConsistent(migration, server, state, before);
            repairServer(server);
            rerunAfterFailure(server, state);
        } finally {
            stop(server);
        }
    }

    // ----------------------------------------------------------------------------------------------

    private void assertFailureKeptStateConsistent(Migration migration, PostgresServer server,
                                                  InMemoryStateStore state, SortedMap<String, String> before)
            throws Exception {
        migration.marker().ifPresent(key -> assertNotEquals(MigrationRules.MARKER_DONE, state.get(key).orElse(null),
                () -> "the marker " + key + " is set although " + migration.id() + " failed"));
        SortedMap<String, String> after = snapshot(server);
        assertEquals(allowConnections(before), allowConnections(after), "the databases that accept connections"
                + " must be the same after the failure (e.g. template0 must not stay open)");
        LOG.info("{}: after the failure {}", migration.id(), after.equals(before) ? "nothing had changed"
                : "partial progress was kept (" + differences(before, after).size() + " items changed)");
        verifyConsistent(server);
    }

    private void rerunAfterFailure(PostgresServer server, InMemoryStateStore state) throws Exception {
        Migration rerun = migration();
        Outcome outcome = run(rerun, context(server, server, state));
        failIfFailed(outcome, rerun, "again after the failure");
        verifyApplied(server);
        assertMarkerMatches(rerun, state, outcome);
    }

    private static SortedMap<String, String> allowConnections(SortedMap<String, String> snapshot) {
        SortedMap<String, String> allow = new TreeMap<>();
        snapshot.forEach((k, v) -> {
            if (k.startsWith("kit / database ") && k.endsWith(" / datallowconn")) {
                allow.put(k, v);
            }
        });
        return allow;
    }

    private static void assertMarkerMatches(Migration migration, InMemoryStateStore state, Outcome outcome) {
        migration.marker().ifPresent(key -> {
            if (outcome.result() == Result.APPLIED) {
                assertEquals(MigrationRules.MARKER_DONE, state.get(key).orElse(null),
                        "the marker " + key + " must be true after the migration succeeded");
            } else {
                assertNotEquals(MigrationRules.MARKER_DONE, state.get(key).orElse(null),
                        "the marker " + key + " is set although the migration did not run");
            }
        });
    }

    private static void failIfFailed(Outcome outcome, Migration migration, String when) {
        if (outcome.result() == Result.FAILED) {
            fail(migration.id() + " failed when run " + when + ": " + outcome.failure(), outcome.failure());
        }
    }

    private static void assertUnchanged(SortedMap<String, String> before, SortedMap<String, String> after,
                                        String what) {
        List<String> differences = differences(before, after);
        if (!differences.isEmpty()) {
            fail(what + " changed the cluster (" + differences.size() + " items):\n  "
                    + String.join("\n  ", differences.subList(0, Math.min(MAX_LISTED_DIFFERENCES, differences.size())))
                    + (differences.size() > MAX_LISTED_DIFFERENCES ? "\n  ..." : ""));
        }
    }

    private static List<String> differences(SortedMap<String, String> before, SortedMap<String, String> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            String was = before.get(key);
            String now = after.get(key);
            if (!Objects.equals(was, now)) {
                differences.add(key + ": " + (was == null ? "(absent)" : was) + " -> " + (now == null ? "(absent)" : now));
            }
        }
        return differences;
    }

    /** Runs one migration through the engine's runner, which reads and writes markers in the context's store. */
    private static Outcome run(Migration migration, TestMigrationContext context) {
        return new MigrationRunner(context.store(), event -> { }).runOne(migration, context);
    }

    private TestMigrationContext context(DatabaseServer server, PostgresServer real, InMemoryStateStore state) {
        return new TestMigrationContext(server, state, from(real), to(real));
    }

    private PostgresServer start(String version) throws Exception {
        PostgresServer server = startServer(version);
        servers.add(server);
        return server;
    }

    private void stop(PostgresServer server) {
        if (server != null) {
            servers.remove(server);
            server.close();
        }
    }

    private static int majorOf(String version) {
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (RuntimeException e) {
            throw new IllegalStateException("'" + version + "' is not a zonky server version such as 17.6.0", e);
        }
    }

    private boolean overridesBreakServer() {
        for (Class<?> c = getClass(); c != null && c != MigrationCompatibilityKit.class; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod("breakServer", PostgresServer.class);
                return true;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        return false;
    }
}
