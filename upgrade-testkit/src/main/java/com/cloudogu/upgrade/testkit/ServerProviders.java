package com.cloudogu.upgrade.testkit;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link ServerProvider} for this run from the system property {@value #PROPERTY}:
 * {@code zonky}, {@code testcontainers} or {@code auto} (the default: Testcontainers if a Docker
 * engine is available, zonky binaries otherwise).
 */
public final class ServerProviders {

    /** System property naming the provider: {@code zonky}, {@code testcontainers} or {@code auto}. */
    public static final String PROPERTY = "dogu.upgrade.testkit.provider";
    /** The value that lets the testkit choose. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(ServerProviders.class);

    private ServerProviders() {}

    /**
     * @return the provider named by {@value #PROPERTY}; an explicitly named provider is returned
     *     even if unavailable, so that starting a server fails with its reason instead of silently
     *     using another provider
     * @throws IllegalArgumentException if the property names no known provider
     */
    public static ServerProvider select() {
        return select(System.getProperty(PROPERTY, AUTO), new ZonkyServerProvider(),
                new TestcontainersServerProvider());
    }

    static ServerProvider select(String choice, ServerProvider zonky, ServerProvider testcontainers) {
        String normalized = choice == null || choice.isBlank() ? AUTO : choice.trim().toLowerCase(Locale.ROOT);
        ServerProvider selected;
        String why;
        if (normalized.equals(zonky.name())) {
            selected = zonky;
            why = "requested by -D" + PROPERTY;
        } else if (normalized.equals(testcontainers.name())) {
            selected = testcontainers;
            why = "requested by -D" + PROPERTY;
        } else if (normalized.equals(AUTO)) {
            ServerProvider.Availability docker = testcontainers.availability();
            selected = docker.available() ? testcontainers : zonky;
            why = "auto; " + testcontainers.name() + ": " + docker.reason();
        } else {
            throw new IllegalArgumentException("Unknown server provider '" + choice + "' in -D" + PROPERTY
                    + "; use " + zonky.name() + ", " + testcontainers.name() + " or " + AUTO);
        }
        LOG.info("PostgreSQL server provider: {} ({})", selected.name(), why);
        return selected;
    }
}
