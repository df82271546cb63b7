package com.cloudogu.upgrade.testkit;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers in Docker containers (official {@code postgres:<major>.<minor>} images) through
 * Testcontainers, for machines that have a Docker engine.
 *
 * <p>Testcontainers is an optional dependency of the testkit: add {@code
 * org.testcontainers:postgresql} to your test classpath to use this provider. Without it, or
 * without a reachable Docker endpoint, {@link #availability()} says why and {@link #start} throws.
 */
public final class TestcontainersServerProvider implements ServerProvider {

    /** This provider's name. */
    public static final String NAME = "testcontainers";

    private static final Logger LOG = LoggerFactory.getLogger(TestcontainersServerProvider.class);

    private final DockerEndpointProbe probe;
    private volatile Availability availability;

    /** A provider that looks for Docker through this process's environment and home directory. */
    public TestcontainersServerProvider() {
        this(System.getenv(), Path.of(System.getProperty("user.home")), DockerEndpointProbe.SYSTEM_SOCKET);
    }

    // Tests pass surroundings of their own, e.g. DOCKER_HOST pointing at a closed port.
    TestcontainersServerProvider(Map<String, String> environment, Path userHome, Path systemSocket) {
        this.probe = new DockerEndpointProbe(environment, userHome, systemSocket);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Probes once and remembers the answer: Docker does not come and go during a test run. */
    @Override
    public Availability availability() {
        Availability known = availability;
        if (known == null) {
            known = detect();
            availability = known;
            LOG.debug("Testcontainers provider: {}", known);
        }
        return known;
    }

    @Override
    public RunningServer start(String version) {
        Availability current = availability();
        if (!current.available()) {
            throw new IllegalStateException("Server provider " + NAME + " cannot start PostgreSQL " + version + ": "
                    + current.reason() + ". Start a Docker engine or use -D" + ServerProviders.PROPERTY + "="
                    + ZonkyServerProvider.NAME);
        }
        return ContainerServer.start(version);
    }

    private Availability detect() {
        try {
            Class.forName("org.testcontainers.containers.PostgreSQLContainer", false,
                    TestcontainersServerProvider.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Availability.unavailable("org.testcontainers:postgresql is not on the classpath (it is an "
                    + "optional dependency of upgrade-testkit; add it to your test dependencies)");
        }
        Availability endpoint = probe.probe();
        if (!endpoint.available()) {
            return endpoint;
        }
        // The endpoint answers; let Testcontainers decide whether it is a usable Docker API.
        try {
            return ContainerServer.dockerAvailable()
                    ? endpoint
                    : Availability.unavailable(endpoint.reason() + ", but Testcontainers cannot use it (see its log)");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable(endpoint.reason() + ", but Testcontainers failed to use it: " + e);
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
