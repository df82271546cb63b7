package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.StateStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status --json} is a stable, documented format (docs/EVENTS.md): tools parse it. */
class StatusJsonTest {

    @TempDir
    Path dir;

    @Test
    void statusJsonHasFormat1WithEveryDocumentedFieldInOrder() throws Exception {
        Path state = dir.resolve("state.properties");
        StateStore store = StateStores.open("file:" + state, Map.of());
        store.set("local_state", "failed: backup missing");
        store.set("restricted_stat_visibility", "true");
        store.set("password", "never-shown");
        store.set("migration_old_pgdata", "/var/lib/postgresql");
        Path pgdata = Files.createDirectory(dir.resolve("pgdata"));
        Files.writeString(pgdata.resolve("PG_VERSION"), "17\n");

        String json = run("status", "--json", "--state-store", "file:" + state, "--pgdata", pgdata.toString());

        assertThat(json.strip()).startsWith("{\"format\":1,\"localState\":\"failed: backup missing\","
                        + "\"upgrading\":false,\"failed\":true,\"backupPath\":null,\"dataDirectory\":\"" + pgdata + "\","
                        + "\"clusterMajor\":\"17\",\"markers\":{")
                .contains("\"restricted_stat_visibility\":true", "\"migrated_database_constraints\":false")
                .endsWith("},\"oldDataDirectory\":\"/var/lib/postgresql\",\"method\":null}")
                .doesNotContain("never-shown");
    }

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(DoguUpgradeCli.run(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
