package com.cloudogu.upgrade.core.internal.event;

import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports progress of a long step (dump, restore) every few seconds: bytes done, estimated total,
 * rate and ETA, as a log line and a {@link UpgradeEvent.Type#PROGRESS} event.
 */
public final class ProgressReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    private final String step;
    private final LongSupplier bytesDone;
    private final long bytesTotal;
    private final UpgradeListener listener;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;

    /**
     * @param step name for the log, e.g. {@code dump}
     * @param bytesDone reads the bytes processed so far
     * @param bytesTotal estimated total, or -1 if unknown
     * @param listener receives progress events
     * @param interval how often to report
     */
    public ProgressReporter(String step, LongSupplier bytesDone, long bytesTotal, UpgradeListener listener,
                            Duration interval) {
        this.step = step;
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dogu-upgrade-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        long done = bytesDone.getAsLong();
        double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / seconds;
        String total = bytesTotal > 0 ? " of ~" + mib(bytesTotal) + " (" + Math.min(100, done * 100 / bytesTotal) + "%)" : "";
        String eta = bytesTotal > done && rate > 0 ? ", ETA " + Math.round((bytesTotal - done) / rate) + " s" : "";
        String line = mib(done) + total + ", " + mib((long) rate) + "/s" + eta;
        LOG.info("{}: {}", step, line);
        listener.onEvent(UpgradeEvent.progress(step, Duration.ofNanos(System.nanoTime() - startNanos), line, done,
                bytesTotal));
    }

    /** @param bytes a byte count @return it in MiB with one decimal */
    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
