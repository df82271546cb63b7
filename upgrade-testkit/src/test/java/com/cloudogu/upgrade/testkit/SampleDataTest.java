package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sample data loads on the oldest and a recent major, and looks the same on both. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDataTest {

    private PostgresServer postgres12;
    private PostgresServer postgres17;

    @BeforeAll
    void loadSampleDataIntoBothMajors() throws Exception {
        postgres12 = PostgresServer.builder(PostgresVersions.V12).start();
        SampleData.load(postgres12);
        postgres17 = PostgresServer.builder(PostgresVersions.V17).start();
        SampleData.load(postgres17);
    }

    @AfterAll
    void stopServers() {
        Stream.of(postgres12, postgres17).filter(s -> s != null).forEach(PostgresServer::close);
    }

    Stream<PostgresServer> servers() {
        return Stream.of(postgres12, postgres17);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false) // the servers outlive one test
    @MethodSource("servers")
    void createsTheDatabasesRolesAndMembership(PostgresServer server) throws Exception {
        assertThat(server.connectableDatabases())
                .containsExactly(SampleData.SHOP_DATABASE, SampleData.INVENTORY_DATABASE, "postgres", "template1");
        assertThat(server.queryColumn("postgres", "SELECT rolname || ':' || rolcanlogin || ':' || (rolpassword IS NOT NULL)"
                + " FROM pg_authid WHERE rolname IN ('app_owner', 'app_user', 'reader') ORDER BY 1"))
                .containsExactly("app_owner:true:true", "app_user:false:false", "reader:false:false");
        assertThat(server.queryValue("postgres", "SELECT pg_has_role('reader', 'app_user', 'MEMBER')")).isEqualTo("t");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false) // the servers outlive one test
    @MethodSource("servers")
    void spreadsOrdersOverThreePartitionsWithForeignKeys(PostgresServer server) throws Exception {
        String shop = SampleData.SHOP_DATABASE;
        assertThat(server.queryColumn(shop, "SELECT tableoid::regclass || '=' || count(*) FROM sales.orders"
                + " GROUP BY tableoid ORDER BY 1"))
                .containsExactly("sales.orders_2023=1095", "sales.orders_2024=1098", "sales.orders_2025=807");
        assertThat(server.queryValue(shop, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
                + " AND conrelid IN ('sales.orders'::regclass, 'sales.order_items'::regclass)")).isEqualTo("2");
        assertThat(server.queryValue(shop, "SELECT count(*) FROM sales.order_items")).isEqualTo("6000");
        assertThat(server.queryValue(shop, "SELECT count(*) FROM sales.\"Monthly Report\"")).isEqualTo("33");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false) // the servers outlive one test
    @MethodSource("servers")
    void advancesTheSequenceAndStoresTheLargeObjectAndExtensions(PostgresServer server) throws Exception {
        String shop = SampleData.SHOP_DATABASE;
        assertThat(server.queryValue(shop, "SELECT last_value || ':' || is_called FROM " + SampleData.SEQUENCE))
                .isEqualTo("4242:true");
        assertThat(server.queryValue(shop, "SELECT convert_from(lo_get(" + SampleData.LARGE_OBJECT_OID + "), 'UTF8')"))
                .isEqualTo("Invoice template v1 – Grüße");
        assertThat(server.queryValue(shop, "SELECT email_sha256 FROM sales.customer_email_hashes WHERE id = 1"))
                .hasSize(64);
        assertThat(server.queryValue(SampleData.INVENTORY_DATABASE,
                "SELECT attributes -> 'color' FROM items WHERE sku = 'SKU-1'")).isEqualTo("green");
        assertThat(server.queryValue(shop, "SELECT name FROM sales.customers WHERE email = 'jm@example.com'"))
                .isEqualTo("Jürgen Müller");
    }

    @Test
    void survivesADumpFromPostgres12RestoredIntoAFreshPostgres17() throws Exception {
        ClientTools tools = ClientTools.locate();
        Path dump = Files.createTempFile("sample-12-", ".sql");
        try (PostgresServer target = PostgresServer.builder(PostgresVersions.V17).start()) {
            run(tools.command("pg_dumpall", "-h", "127.0.0.1", "-p", Integer.toString(postgres12.port()), "-U",
                    "postgres", "-f", dump.toString()));
            // The bootstrap superuser exists in every fresh cluster, as the restore migration knows.
            List<String> lines = Files.readAllLines(dump);
            assertThat(lines.removeIf(line -> line.equals("CREATE ROLE postgres;"))).isTrue();
            Files.write(dump, lines);
            run(tools.command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                    Integer.toString(target.port()), "-U", "postgres", "-d", "postgres", "-f", dump.toString()));

            assertThat(ClusterFingerprint.of(postgres12).diff(ClusterFingerprint.of(target))).isEmpty();
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    @Test
    void fingerprintsAlikeOnPostgres12And17() throws Exception {
        ClusterFingerprint on12 = ClusterFingerprint.of(postgres12);
        ClusterFingerprint on17 = ClusterFingerprint.of(postgres17);

        assertThat(on12.diff(on17)).isEmpty();
        assertThat(on12).isEqualTo(on17);
        assertThat(on12.extensionVersions()).isNotEqualTo(on17.extensionVersions());
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s%n%s", command, output).isZero();
    }
}
