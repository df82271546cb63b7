package com.cloudogu.upgrade.testkit;

/**
 * One way to obtain a running PostgreSQL server for a test. Providers say whether they can work
 * here (and why not) instead of failing half-way; {@link ServerProviders#select()} picks one.
 */
public interface ServerProvider {

    /** @return the provider's name as used in {@value ServerProviders#PROPERTY}, e.g. {@code zonky} */
    String name();

    /** @return whether this provider can start servers on this machine, with the reason */
    Availability availability();

    /** @return whether this provider can start servers on this machine */
    default boolean isAvailable() {
        return availability().available();
    }

    /**
     * Starts a fresh server; the caller closes it.
     *
     * @param version a zonky-style version, e.g. {@code 14.10.0} (providers may use only major and minor)
     * @return the running server
     * @throws IllegalStateException if the provider is unavailable (the message says why)
     */
    RunningServer start(String version);

    /**
     * Whether a provider can work here.
     *
     * @param available whether it can start servers
     * @param reason what it found, e.g. why it cannot work
     */
    record Availability(boolean available, String reason) {

        /**
         * @param detail what makes it available
         * @return an available result
         */
        public static Availability available(String detail) {
            return new Availability(true, detail);
        }

        /**
         * @param reason why it cannot work and what would fix it
         * @return an unavailable result
         */
        public static Availability unavailable(String reason) {
            return new Availability(false, reason);
        }
    }
}
