package com.cloudogu.upgrade.core.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.event.UpgradeEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    @Test
    void reportsBytesDoneOfTheEstimateWithRateAndEtaAsProgressEvents() throws InterruptedException {
        List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
        AtomicLong done = new AtomicLong(256L << 20);

        try (ProgressReporter r = new ProgressReporter("restore", done::get, 1024L << 20, events::add,
                Duration.ofMillis(20))) {
            for (int i = 0; i < 500 && events.isEmpty(); i++) {
                Thread.sleep(10);
            }
        }

        assertThat(events).isNotEmpty();
        UpgradeEvent e = events.get(0);
        assertThat(e.type()).isEqualTo(UpgradeEvent.Type.PROGRESS);
        assertThat(e.subject()).isEqualTo("restore");
        assertThat(e.bytesDone()).isEqualTo(256L << 20);
        assertThat(e.bytesTotal()).isEqualTo(1024L << 20);
        assertThat(e.message()).startsWith("256.0 MiB of ~1024.0 MiB (25%), ").contains("MiB/s", "ETA ");
    }

    @Test
    void stopsReportingWhenClosed() throws InterruptedException {
        List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
        new ProgressReporter("dump", () -> 1, -1, events::add, Duration.ofMillis(10)).close();
        Thread.sleep(100);

        assertThat(events).isEmpty();
    }
}
