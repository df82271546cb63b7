package com.cloudogu.upgrade.core.internal.state;

import java.time.Duration;
import java.util.List;

/**
 * How a state store call that failed is retried: one pause per retry, so {@code delays.size() + 1}
 * attempts in all. etcd or the Kubernetes API can be briefly unreachable while containers are
 * replaced, which is exactly when the upgrade phases run.
 *
 * @param delays the pause before each retry
 */
public record RetryPolicy(List<Duration> delays) {

    /** Copies and checks the delays. */
    public RetryPolicy {
        delays = List.copyOf(delays);
        for (Duration d : delays) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a retry delay cannot be negative: " + d);
            }
        }
    }

    /** @return three retries after 200 ms, 400 ms and 800 ms */
    public static RetryPolicy standard() {
        return of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    }

    /** @return a single attempt, no retry */
    public static RetryPolicy none() {
        return new RetryPolicy(List.of());
    }

    /**
     * @param delays the pause before each retry
     * @return the policy
     */
    public static RetryPolicy of(Duration... delays) {
        return new RetryPolicy(List.of(delays));
    }

    /** @return how many times a call is tried in all */
    public int attempts() {
        return delays.size() + 1;
    }
}
