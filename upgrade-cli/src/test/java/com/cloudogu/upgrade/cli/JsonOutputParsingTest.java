package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeEvent.Type;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.StateStores;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the CLI's JSON output with a real JSON parser, as a tool does: {@code status --json} and the
 * events file (docs/EVENTS.md) are valid JSON with the documented fields and types, and every string
 * comes back exactly as it went in, whatever characters it holds.
 */
class JsonOutputParsingTest {

    /** Strict: duplicate keys and anything after the value are errors, not silently accepted. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Quotes, backslashes, every control character, non-ASCII and a character outside the BMP. */
    private static final String AWKWARD = "say \"hi\" \\ back\\slash" + controlCharacters() + " ünï 中文 \uD83D\uDE00 end";

    @TempDir
    Path dir;

    private static String controlCharacters() {
        StringBuilder b = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            b.append(c);
        }
        return b.append('\u007f').append('\u2028').toString();
    }

    @Test
    void statusJsonIsOneObjectWithTheDocumentedFieldsAndTypes() throws Exception {
        Path state = dir.resolve("state.properties");
        StateStore store = StateStores.open("file:" + state, Map.of());
        store.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
        store.set(StateKeys.MIGRATION_BACKUP_PATH, "/var/lib/postgresql/backup/cluster-14.19-1.sql");
        store.set(StateKeys.PASSWORD, "never-shown");
        Path pgdata = Files.createDirectory(dir.resolve("pg data"));

        JsonNode status = JSON.readTree(statusJson(state, pgdata));

        assertThat(fieldNames(status)).containsExactly("format", "localState", "upgrading", "failed", "backupPath",
                "dataDirectory", "clusterMajor", "markers", "oldDataDirectory", "method");
        assertThat(status.get("format").intValue()).isEqualTo(1);
        assertThat(status.get("localState").textValue()).isEqualTo("upgrading");
        assertThat(status.get("upgrading").booleanValue()).isTrue();
        assertThat(status.get("failed").isBoolean()).isTrue();
        assertThat(status.get("failed").booleanValue()).isFalse();
        assertThat(status.get("backupPath").textValue()).isEqualTo("/var/lib/postgresql/backup/cluster-14.19-1.sql");
        assertThat(status.get("dataDirectory").textValue()).isEqualTo(pgdata.toString());
        assertThat(status.get("clusterMajor").isNull()).as("no cluster yet").isTrue();
        assertThat(status.get("oldDataDirectory").isNull()).isTrue();
        assertThat(status.get("method").isNull()).as("nothing recorded in the cluster").isTrue();
        assertThat(status.get("markers").isObject()).isTrue();
        status.get("markers").fields().forEachRemaining(m -> assertThat(m.getValue().isBoolean()).as(m.getKey()).isTrue());
        assertThat(status.toString()).doesNotContain("never-shown");
    }

    @Test
    void aFailureReasonWithAnyCharactersComesBackUnchanged() throws Exception {
        Path state = dir.resolve("state.properties");
        StateStores.open("file:" + state, Map.of()).set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + AWKWARD);

        JsonNode status = JSON.readTree(statusJson(state, Files.createDirectory(dir.resolve("pgdata"))));

        assertThat(status.get("localState").textValue()).isEqualTo(StateKeys.FAILED_PREFIX + AWKWARD);
        assertThat(status.get("failed").booleanValue()).isTrue();
        assertThat(status.get("upgrading").booleanValue()).isFalse();
    }

    @Test
    void everyEventLineIsOneObjectWithTheDocumentedFieldsAndTheEventsOwnValues() throws Exception {
        Path file = dir.resolve("events.jsonl");
        JsonLinesEventWriter writer = JsonLinesEventWriter.open(file);
        Instant at = Instant.parse("2026-11-25T10:15:30.123456Z");
        List<UpgradeEvent> events = List.of(
                UpgradeEvent.of(Type.PHASE_STARTED, "post-upgrade", Duration.ZERO, "").stampedAt(at),
                UpgradeEvent.progress("restore", Duration.ofSeconds(5), "10.0 MiB", 10485760, 20971520).stampedAt(at),
                UpgradeEvent.of(Type.MIGRATION_FAILED, "02-" + AWKWARD, Duration.ofMillis(7), AWKWARD).stampedAt(at),
                UpgradeEvent.of(Type.PHASE_FAILED, "post-upgrade", Duration.ofMillis(1234), "failed").stampedAt(at));
        events.forEach(writer::onEvent);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(events.size());
        for (int i = 0; i < lines.size(); i++) {
            UpgradeEvent event = events.get(i);
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(fieldNames(line)).containsExactly("format", "at", "pid", "phase", "type", "subject", "durationMs",
                    "message", "bytesDone", "bytesTotal");
            assertThat(line.get("format").intValue()).isEqualTo(JsonLinesEventWriter.FORMAT);
            assertThat(Instant.parse(line.get("at").textValue())).isEqualTo(Instant.parse("2026-11-25T10:15:30.123Z"));
            assertThat(line.get("pid").longValue()).isEqualTo(ProcessHandle.current().pid());
            assertThat(line.get("phase").textValue()).isEqualTo("post-upgrade");
            assertThat(line.get("type").textValue()).isEqualTo(event.type().name());
            assertThat(line.get("subject").textValue()).isEqualTo(event.subject());
            assertThat(line.get("durationMs").longValue()).isEqualTo(event.duration().toMillis());
            assertThat(line.get("message").textValue()).isEqualTo(event.message());
            boolean progress = event.type() == Type.PROGRESS;
            assertThat(line.get("bytesDone").isNull()).isEqualTo(!progress);
            assertThat(line.get("bytesTotal").isNull()).isEqualTo(!progress);
        }
        assertThat(JSON.readTree(lines.get(1)).get("bytesDone").longValue()).isEqualTo(10485760);
        assertThat(JSON.readTree(lines.get(1)).get("bytesTotal").longValue()).isEqualTo(20971520);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String statusJson(Path state, Path pgdata) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(DoguUpgradeCli.run("status", "--json", "--state-store", "file:" + state, "--pgdata",
                    pgdata.toString())).isZero();
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).as("one line").hasSize(1);
        return text;
    }
}
