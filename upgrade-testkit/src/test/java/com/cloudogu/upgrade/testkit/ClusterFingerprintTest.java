package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fingerprint notices. One server with the sample data; each test compares a fingerprint
 * taken before its own change with one taken after, so the tests do not depend on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFingerprintTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFingerprintTest.class);
    private static final String SHOP = "database \"Shop Data\" / ";

    private PostgresServer server;

    @BeforeAll
    void startServerWithSampleData() throws Exception {
        server = PostgresServer.builder(PostgresVersions.V15).start();
        SampleData.load(server);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void unchangedClusterFingerprintsEqual() throws Exception {
        ClusterFingerprint first = ClusterFingerprint.of(server);
        ClusterFingerprint second = ClusterFingerprint.of(server);

        LOG.debug("{}", first);
        assertThat(first.diff(second)).isEmpty();
        assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
    }

    @Test
    void changedRowIsReportedForItsTable() throws Exception {
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute(SampleData.SHOP_DATABASE, "UPDATE sales.customers SET name = 'Renamed' WHERE id = 7");
        ClusterFingerprint after = ClusterFingerprint.of(server);

        assertThat(after).isNotEqualTo(before);
        assertThat(items(before.diff(after))).containsExactly(SHOP + "table sales.customers / rows");
        assertThat(before.diff(after).get(0).kind()).isEqualTo("changed");
    }

    @Test
    void changedRowInAPartitionIsReportedForThePartitionOnly() throws Exception {
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute(SampleData.SHOP_DATABASE, "UPDATE sales.orders SET total = total + 1 WHERE id = 1500");
        ClusterFingerprint after = ClusterFingerprint.of(server);

        assertThat(items(before.diff(after))).containsExactly(SHOP + "table sales.orders_2024 / rows");
        assertThat(before.items()).doesNotContainKey(SHOP + "table sales.orders / rows");
    }

    @Test
    void changedSequenceValueIsReported() throws Exception {
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute(SampleData.SHOP_DATABASE, "SELECT nextval('" + SampleData.SEQUENCE + "')");
        ClusterFingerprint after = ClusterFingerprint.of(server);

        List<ClusterFingerprint.Difference> diff = before.diff(after);
        assertThat(items(diff)).containsExactly(SHOP + "sequence sales.invoice_number_seq");
        assertThat(diff.get(0).before()).isEqualTo("last_value=" + SampleData.SEQUENCE_VALUE + " is_called=true");
        assertThat(diff.get(0).after()).isEqualTo("last_value=" + (SampleData.SEQUENCE_VALUE + 1) + " is_called=true");
    }

    @Test
    void missingRoleIsReportedWithItsMemberships() throws Exception {
        server.execute("postgres", "CREATE ROLE auditor NOLOGIN IN ROLE app_user");
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute("postgres", "DROP ROLE auditor");
        ClusterFingerprint after = ClusterFingerprint.of(server);

        List<ClusterFingerprint.Difference> diff = before.diff(after);
        assertThat(items(diff)).containsExactly("role \"app_user\" / member \"auditor\"", "role \"auditor\"");
        assertThat(diff).allSatisfy(d -> assertThat(d.kind()).isEqualTo("missing"));
        assertThat(diff.get(1)).hasToString("missing role \"auditor\" (was super=false inherit=true createrole=false"
                + " createdb=false login=false replication=false bypassrls=false connlimit=-1 password=false"
                + " validuntil=null)");
    }

    @Test
    void changedPasswordIsNotReportedButALostPasswordIs() throws Exception {
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute("postgres", "ALTER ROLE app_owner PASSWORD 'another-secret'");
        ClusterFingerprint rehashed = ClusterFingerprint.of(server);
        server.execute("postgres", "ALTER ROLE app_owner PASSWORD NULL");
        ClusterFingerprint lost = ClusterFingerprint.of(server);
        server.execute("postgres", "ALTER ROLE app_owner PASSWORD '" + SampleData.APP_OWNER_PASSWORD + "'");

        assertThat(before.diff(rehashed)).isEmpty();
        assertThat(items(before.diff(lost))).containsExactly("role \"app_owner\"");
        assertThat(lost.toString()).doesNotContain("SCRAM-SHA-256");
    }

    @Test
    void largeObjectContentChangeIsReported() throws Exception {
        ClusterFingerprint before = ClusterFingerprint.of(server);
        server.execute(SampleData.SHOP_DATABASE, "SELECT lo_put(" + SampleData.LARGE_OBJECT_OID + ", 0, 'J')");
        ClusterFingerprint after = ClusterFingerprint.of(server);
        server.execute(SampleData.SHOP_DATABASE, "SELECT lo_put(" + SampleData.LARGE_OBJECT_OID + ", 0, 'I')");

        assertThat(items(before.diff(after))).containsExactly(SHOP + "large objects");
    }

    @Test
    void extensionsAreComparedByNameWithVersionsKeptAside() throws Exception {
        ClusterFingerprint fingerprint = ClusterFingerprint.of(server);

        assertThat(fingerprint.items()).containsEntry(SHOP + "extension \"pgcrypto\"", "installed")
                .containsEntry("database \"inventory\" / extension \"hstore\"", "installed");
        assertThat(fingerprint.extensionVersions()).containsKey("database \"inventory\" / extension \"hstore\"");
        assertThat(fingerprint.items().values()).noneMatch(v -> v.matches("\\d+\\.\\d+"));
    }

    @Test
    void quotedNamesAndDatabaseAttributesAreRecorded() throws Exception {
        ClusterFingerprint fingerprint = ClusterFingerprint.of(server);

        assertThat(fingerprint.items())
                .containsKey(SHOP + "table sales.\"Monthly Report\" / rows")
                .containsEntry(SHOP + "table sales.\"Monthly Report\" / columns",
                        "\"Month\" date not null, \"Revenue\" numeric(12,2) not null")
                .containsEntry("database \"Shop Data\"", "owner=app_owner encoding=UTF8 collate=C.UTF-8 ctype=C.UTF-8"
                        + " allowconn=true template=false")
                .containsEntry("role \"app_user\" / member \"reader\"", "admin=false")
                .containsKey("database \"template0\"")
                .doesNotContainKey("database \"template0\" / large objects");
    }

    private static List<String> items(List<ClusterFingerprint.Difference> differences) {
        return differences.stream().map(ClusterFingerprint.Difference::item).toList();
    }
}
