package com.cloudogu.upgrade.core.internal.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The curated list of removed parameters is true: each one could be set by a user or superuser (so
 * per role, database or function) in the major before, and is unknown in the major that removed it.
 */
class RemovedParametersTest {

    private static final Map<Integer, String> BEFORE = Map.of(1400, PostgresVersions.V13, 1600, PostgresVersions.V15);
    private static final Map<Integer, String> AT = Map.of(1400, PostgresVersions.V14, 1600, PostgresVersions.V16);

    @ParameterizedTest(name = "removed in {0}")
    @ValueSource(ints = {1400, 1600})
    void everyEntryWasSettablePerRoleTheMajorBeforeAndIsUnknownInItsMajor(int removedIn) throws Exception {
        List<String> names = RemovedParameter.ALL.stream().filter(p -> p.removedIn() == removedIn)
                .map(RemovedParameter::name).toList();
        assertThat(names).isNotEmpty();
        String in = "('" + String.join("', '", names) + "')";
        try (PostgresServer before = PostgresServer.builder(BEFORE.get(removedIn)).start()) {
            assertThat(before.queryColumn("postgres", "SELECT name FROM pg_settings WHERE name IN " + in
                    + " AND context IN ('user', 'superuser') ORDER BY name")).containsExactlyInAnyOrderElementsOf(names);
        }
        try (PostgresServer at = PostgresServer.builder(AT.get(removedIn)).start()) {
            assertThat(at.queryColumn("postgres", "SELECT name FROM pg_settings WHERE name IN " + in)).isEmpty();
        }
    }

    @Test
    void everyEntryIsProvenByTheTestAbove() {
        assertThat(RemovedParameter.ALL).allMatch(p -> BEFORE.containsKey(p.removedIn()), "has a server pair");
    }
}
