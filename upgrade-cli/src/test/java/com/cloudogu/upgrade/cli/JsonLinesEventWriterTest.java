package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeEvent.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events file: one JSON object per event, always the same documented fields (docs/EVENTS.md). */
class JsonLinesEventWriterTest {

    private static final Instant AT = Instant.parse("2026-11-25T10:15:30.123456Z");

    @TempDir
    Path dir;

    @Test
    void aMigrationEventIsOneLineWithEveryDocumentedFieldInOrder() {
        UpgradeEvent event = UpgradeEvent.of(Type.MIGRATION_FINISHED, "04-grant-monitoring-role",
                Duration.ofMillis(1234), "").stampedAt(AT);

        assertThat(JsonLinesEventWriter.line(event, "post-upgrade", 42)).isEqualTo("{\"format\":1,"
                + "\"at\":\"2026-11-25T10:15:30.123Z\",\"pid\":42,\"phase\":\"post-upgrade\","
                + "\"type\":\"MIGRATION_FINISHED\",\"subject\":\"04-grant-monitoring-role\",\"durationMs\":1234,"
                + "\"message\":\"\",\"bytesDone\":null,\"bytesTotal\":null}");
    }

    @Test
    void messagesAreEscapedAndProgressCarriesItsByteCounts() {
        UpgradeEvent failed = UpgradeEvent.of(Type.MIGRATION_FAILED, "02-x", Duration.ZERO,
                "Migration 02-x failed: \"db\"\nnext line\ttab").stampedAt(AT);
        UpgradeEvent progress = UpgradeEvent.progress("dump", Duration.ofSeconds(5), "10.0 MiB", 10485760, -1)
                .stampedAt(AT);

        assertThat(JsonLinesEventWriter.line(failed, "post-upgrade", 1))
                .contains("\"message\":\"Migration 02-x failed: \\\"db\\\"\\nnext line\\ttab\"")
                .doesNotContain("\n");
        assertThat(JsonLinesEventWriter.line(progress, "pre-upgrade", 1))
                .contains("\"bytesDone\":10485760,\"bytesTotal\":null");
    }

    @Test
    void eventsOfAPhaseNameThePhaseAndEventsOutsideAPhaseHaveNone() throws Exception {
        Path file = dir.resolve("events.jsonl");
        JsonLinesEventWriter writer = JsonLinesEventWriter.open(file);
        writer.onEvent(UpgradeEvent.of(Type.PHASE_STARTED, "post-upgrade", Duration.ZERO, ""));
        writer.onEvent(UpgradeEvent.of(Type.MIGRATION_SKIPPED, "04-update-extensions", Duration.ZERO, "does not apply"));
        writer.onEvent(UpgradeEvent.of(Type.PHASE_FINISHED, "post-upgrade", Duration.ofMillis(20), ""));
        writer.onEvent(UpgradeEvent.of(Type.STEP, "after", Duration.ZERO, ""));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).allSatisfy(l -> assertThat(l).contains("\"phase\":\"post-upgrade\""));
        assertThat(lines.get(3)).contains("\"phase\":null");
    }

    @Test
    void laterRunsAppendToTheSameFile() throws Exception {
        Path file = dir.resolve("events.jsonl");
        JsonLinesEventWriter.open(file).onEvent(UpgradeEvent.of(Type.PHASE_STARTED, "pre-upgrade", Duration.ZERO, ""));
        JsonLinesEventWriter.open(file).onEvent(UpgradeEvent.of(Type.PHASE_STARTED, "post-upgrade", Duration.ZERO, ""));

        assertThat(Files.readAllLines(file)).hasSize(2)
                .allSatisfy(l -> assertThat(l).startsWith("{\"format\":1,").endsWith("}"));
    }

    @Test
    void aFileThatCannotBeOpenedIsAUsageErrorNamingIt() {
        Path file = dir.resolve("missing-dir/events.jsonl");

        assertThatThrownBy(() -> JsonLinesEventWriter.open(file))
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining(file.toString());
    }
}
