package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.ClusterFingerprint.Difference;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The realistic schema loads on the oldest, a middle and a new major; its catalog snapshot equals
 * itself, and a deliberate change of one definition is reported, and not explained away.
 */
class RealisticSchemaTest {

    private static final String MAIN = "database \"fx_regression\" / ";

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"12.22.0", "14.19.0", "17.6.0"})
    void loadsAndItsSnapshotEqualsItselfUntilADefinitionChanges(String version) throws Exception {
        try (PostgresServer server = PostgresServer.builder(version).start()) {
            long started = System.nanoTime();
            RealisticSchema.load(server);
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(loadMillis).as("load time in ms").isLessThan(30_000);

            CatalogSnapshot first = CatalogSnapshot.of(server);
            CatalogSnapshot second = CatalogSnapshot.of(server);
            assertThat(first.diff(second)).isEmpty();
            assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
            assertThat(first.majorVersion()).isEqualTo(server.majorVersion());
            assertThat(first.items()).as("the snapshot holds the fingerprint").containsAllEntriesOf(
                    first.fingerprint().items());
            assertThat(first.items().keySet()).as("one item per kind of object").anySatisfy(k -> assertThat(k)
                    .isEqualTo(MAIN + "relation fx_core.customers / trigger customers_audit"))
                    .contains(MAIN + "relation fx_part.events_2024_eu / trigger events_guard",
                            MAIN + "relation fx_core.ledger / rule ledger_no_delete",
                            MAIN + "relation fx_sec.documents / policy documents_limit",
                            MAIN + "relation fx_core.happy_customers / definition",
                            MAIN + "relation fx_core.mood_stats / rows",
                            MAIN + "relation fx_core.ticket_seq / sequence",
                            MAIN + "relation fx_inh.amphibian",
                            MAIN + "type fx_core.mood",
                            MAIN + "type fx_core.us_zip / constraint zip_not_zero",
                            MAIN + "collation fx_core.fx_ci",
                            MAIN + "collation fx_core.fx_ci / version",
                            MAIN + "text search configuration fx_text.fx_german",
                            MAIN + "text search dictionary fx_text.fx_unaccent",
                            MAIN + "extension \"pg_trgm\" / version",
                            MAIN + "event trigger fx_ddl_watch",
                            MAIN + "publication fx_pub",
                            MAIN + "large object 900001",
                            MAIN + "comment on large object 900001",
                            MAIN + "default privileges for role fx_owner in schema fx_core on r",
                            MAIN + "table fx_core.customers / rows",
                            "database \"Fx Second\" / relation app.tasks / index tasks_title_trgm",
                            "settings for role fx_reader in database \"fx_regression\"",
                            "role \"fx_auditor\"");
            assertThat(first.items().get(MAIN + "relation fx_inh.amphibian"))
                    .contains("parents=fx_inh.car,fx_inh.registered");
            assertThat(first.items().get(MAIN + "relation fx_part.events_2024_eu / trigger events_guard"))
                    .as("a trigger cloned onto a partition is marked, internal in 12 or not").endsWith("(derived)");
            assertThat(first.items().get(MAIN + "type fx_core.mood")).contains("labels='sad','meh','ok','happy','ecstatic'");

            server.execute(RealisticSchema.MAIN_DATABASE, "CREATE OR REPLACE VIEW fx_core.rooms_editable AS"
                    + " SELECT id, upper(name) AS name FROM fx_core.rooms;"
                    + " ALTER TABLE fx_core.ledger DISABLE RULE ledger_no_delete;"
                    + " COMMENT ON POLICY documents_limit ON fx_sec.documents IS 'changed'");
            CatalogSnapshot changed = CatalogSnapshot.of(server);

            List<Difference> differences = first.diff(changed);
            assertThat(differences).extracting(Difference::item).containsExactlyInAnyOrder(
                    MAIN + "comment on policy documents_limit on table fx_sec.documents",
                    MAIN + "relation fx_core.ledger / rule ledger_no_delete",
                    MAIN + "relation fx_core.rooms_editable / definition");
            ExpectedDifferences.Classification classes = ExpectedDifferences.classify(first, changed,
                    ExpectedDifferences.ALL);
            assertThat(classes.unexplained()).as("no class explains a change within one major")
                    .containsExactlyElementsOf(differences);
        }
    }
}
