package com.cloudogu.upgrade.core.internal.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The curated list of removed catalog columns is true: every column exists in the major before the
 * one that removed it and is gone in that major, on real servers.
 */
class RemovedCatalogColumnsTest {

    private static final Map<Integer, String> BEFORE = Map.of(1200, "11.22.0", 1500, PostgresVersions.V14,
            1700, PostgresVersions.V16, 1800, PostgresVersions.V17);
    private static final Map<Integer, String> AT = Map.of(1200, PostgresVersions.V12, 1500, PostgresVersions.V15,
            1700, PostgresVersions.V17, 1800, PostgresVersions.V18);

    @ParameterizedTest(name = "removed in {0}")
    @ValueSource(ints = {1200, 1500, 1700, 1800})
    void everyEntryExistsTheMajorBeforeAndIsGoneInItsMajor(int removedIn) throws Exception {
        List<RemovedCatalogColumn> entries = RemovedCatalogColumn.ALL.stream().filter(c -> c.removedIn() == removedIn)
                .toList();
        assertThat(entries).isNotEmpty();
        assertThat(existing(BEFORE.get(removedIn), entries)).as("present before").containsExactlyElementsOf(entries);
        assertThat(existing(AT.get(removedIn), entries)).as("gone in " + removedIn / 100).isEmpty();
    }

    @Test
    void everyEntryIsProvenByTheTestAbove() {
        assertThat(RemovedCatalogColumn.ALL).allMatch(c -> AT.containsKey(c.removedIn()) && BEFORE.containsKey(c.removedIn()),
                "has a server pair");
    }

    private static List<RemovedCatalogColumn> existing(String version, List<RemovedCatalogColumn> entries)
            throws Exception {
        List<RemovedCatalogColumn> found = new ArrayList<>();
        try (PostgresServer server = PostgresServer.builder(version).start()) {
            for (RemovedCatalogColumn c : entries) {
                String n = server.queryValue("postgres", "SELECT count(*) FROM pg_catalog.pg_attribute a"
                        + " JOIN pg_catalog.pg_class r ON r.oid = a.attrelid JOIN pg_catalog.pg_namespace n"
                        + " ON n.oid = r.relnamespace WHERE n.nspname = 'pg_catalog' AND r.relname = '" + c.relation()
                        + "' AND a.attname = '" + c.column() + "' AND NOT a.attisdropped");
                if (!"0".equals(n)) {
                    found.add(c);
                }
            }
        }
        return found;
    }
}
