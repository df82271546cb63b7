package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lanes start the largest database first, run up to N at once, and stop starting new ones after a failure. */
@Timeout(10)
class DatabaseLanesTest {

    private static final Map<String, Long> SIZES = Map.of("small", 1L, "big", 100L, "medium", 10L, "tiny", 0L);

    @Test
    void oneLaneWorksThroughTheDatabasesLargestFirstOnTheCallingThread() {
        List<String> done = new ArrayList<>();
        Thread caller = Thread.currentThread();

        DatabaseLanes.run(List.of("small", "big", "tiny", "medium"), 1, SIZES::get, name -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            done.add(name);
        });

        assertThat(done).containsExactly("big", "medium", "small", "tiny");
    }

    @Test
    void severalLanesRunDatabasesAtTheSameTime() throws InterruptedException {
        CountDownLatch bothRunning = new CountDownLatch(2);
        List<String> done = Collections.synchronizedList(new ArrayList<>());

        DatabaseLanes.run(List.of("small", "big"), 2, SIZES::get, name -> {
            bothRunning.countDown();
            try {
                // Only returns in time if the other database runs at the same time.
                assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add(name);
        });

        assertThat(done).containsExactlyInAnyOrder("small", "big");
    }

    @Test
    void afterAFailureNoFurtherDatabaseStartsAndTheFirstFailureIsThrown() {
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch mediumRuns = new CountDownLatch(1);
        IllegalStateException boom = new IllegalStateException("pg_dump of big failed");

        Throwable thrown = catchThrowable(() -> DatabaseLanes.run(List.of("small", "big", "medium", "tiny"), 2,
                SIZES::get, name -> {
                    started.add(name);
                    if (name.equals("big")) {
                        await(mediumRuns); // fail while the other lane is busy
                        throw boom;
                    }
                    mediumRuns.countDown();
                    sleep(200);
                }));

        assertThat(thrown).isSameAs(boom);
        assertThat(started).as("small and tiny were never started").containsExactlyInAnyOrder("big", "medium");
    }

    @Test
    void aFailureInTheOnlyLaneStopsAtOnce() {
        List<String> done = new ArrayList<>();

        Throwable thrown = catchThrowable(() -> DatabaseLanes.run(List.of("small", "big"), 1, SIZES::get, name -> {
            done.add(name);
            throw new IllegalStateException(name + " failed");
        }));

        assertThat(thrown).hasMessage("big failed");
        assertThat(done).containsExactly("big");
    }

    @Test
    void noDatabasesIsNoWork() {
        DatabaseLanes.run(List.<String>of(), 4, SIZES::get, name -> {
            throw new AssertionError("nothing to do");
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
