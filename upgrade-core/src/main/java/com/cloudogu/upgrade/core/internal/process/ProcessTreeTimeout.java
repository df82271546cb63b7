package com.cloudogu.upgrade.core.internal.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.ProcessDestroyer;

/**
 * Kills a command and every process it started once its timeout expires. Registered as the
 * executor's {@link ProcessDestroyer} because that is where Commons Exec hands out the started
 * {@link Process}.
 *
 * <p>Descendants are listed before the command itself is signalled: once it dies its children are
 * re-parented and can no longer be found. They get {@code SIGTERM} first and {@code SIGKILL} a few
 * seconds later if they are still there.
 */
final class ProcessTreeTimeout implements ProcessDestroyer {

    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "process-timeout");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> expiry;
    private Process process;
    private boolean expired;
    private boolean finished;

    ProcessTreeTimeout(Duration timeout) {
        this.expiry = TIMER.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized boolean add(Process started) {
        this.process = started;
        if (expired) {
            killTree(started);
        }
        return true;
    }

    @Override
    public synchronized boolean remove(Process stopped) {
        finished = true;
        return true;
    }

    @Override
    public synchronized int size() {
        return process != null && !finished ? 1 : 0;
    }

    /** Stops the timer; called once the command returned. */
    void cancel() {
        expiry.cancel(false);
    }

    /** @return whether the timeout expired and the command was killed */
    synchronized boolean expired() {
        return expired;
    }

    private synchronized void expire() {
        if (finished) {
            return;
        }
        expired = true;
        if (process != null) {
            killTree(process);
        }
    }

    private static void killTree(Process root) {
        ProcessHandle handle = root.toHandle();
        List<ProcessHandle> tree = handle.descendants().toList();
        handle.destroy();
        tree.forEach(ProcessHandle::destroy);
        TIMER.schedule(() -> {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }, GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
