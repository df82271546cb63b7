package com.cloudogu.upgrade.core.internal.backup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Runs the per-database work of a parallel backup or restore in a few lanes at once, largest
 * database first: one big table keeps {@code pg_dump}/{@code pg_restore} single-threaded for most of
 * its time, and the other databases fill the idle lanes meanwhile. After the first failure no further
 * database is started; the ones running finish, then the first failure is thrown.
 */
public final class DatabaseLanes {

    private DatabaseLanes() {
    }

    /**
     * @param items the databases
     * @param lanes how many at once (at least 1)
     * @param size estimated size of an item, for the order
     * @param work what to do with one item
     * @param <T> item type
     */
    public static <T> void run(List<T> items, int lanes, ToLongFunction<T> size, Consumer<T> work) {
        List<T> order = new ArrayList<>(items);
        order.sort(Comparator.comparingLong(size).reversed());
        int n = Math.max(1, Math.min(lanes, order.size()));
        if (n == 1) {
            order.forEach(work);
            return;
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "dogu-upgrade-database-lane");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : order) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        work.accept(item);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new IllegalStateException("interrupted while waiting for the databases", e));
        } catch (ExecutionException e) {
            failure.compareAndSet(null, new IllegalStateException(e.getCause()));
        } finally {
            pool.shutdown();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
