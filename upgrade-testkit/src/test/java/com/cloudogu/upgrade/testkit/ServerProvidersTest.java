package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing between local binaries and Testcontainers, and failing loudly without Docker. */
class ServerProvidersTest {

    @TempDir
    Path home;

    @Test
    void testcontainersIsUnavailableWhenDockerHostPointsAtAClosedPort() throws Exception {
        String dockerHost = "tcp://127.0.0.1:" + closedPort();
        TestcontainersServerProvider provider = withEnvironment(Map.of("DOCKER_HOST", dockerHost));

        assertThat(provider.isAvailable()).isFalse();
        assertThat(provider.availability().reason())
                .contains("Docker endpoint " + dockerHost + " is not reachable")
                .contains("Connection refused");
    }

    @Test
    void testcontainersIsUnavailableWhenDockerHostNamesAMissingSocket() {
        TestcontainersServerProvider provider =
                withEnvironment(Map.of("DOCKER_HOST", "unix://" + home.resolve("docker.sock")));

        assertThat(provider.isAvailable()).isFalse();
        assertThat(provider.availability().reason()).contains("docker.sock is not reachable");
    }

    @Test
    void testcontainersIsUnavailableWithoutAnyDockerSocket() {
        TestcontainersServerProvider provider = withEnvironment(Map.of());

        assertThat(provider.isAvailable()).isFalse();
        assertThat(provider.availability().reason())
                .startsWith("no Docker endpoint: DOCKER_HOST is not set")
                .contains(home.resolve("no-such-docker.sock").toString());
    }

    @Test
    void testcontainersDockerHostFromTheTestcontainersPropertiesFileIsProbed() throws Exception {
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp://127.0.0.1:" + closedPort());

        TestcontainersServerProvider provider = withEnvironment(Map.of());

        assertThat(provider.availability().reason()).contains("is not reachable");
    }

    @Test
    void startingAServerFromAnUnavailableProviderFailsWithTheReason() {
        TestcontainersServerProvider provider = withEnvironment(Map.of());

        assertThatThrownBy(() -> provider.start(PostgresVersions.V17))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start PostgreSQL 17.6.0")
                .hasMessageContaining("no Docker endpoint")
                .hasMessageContaining("-Ddogu.upgrade.testkit.provider=zonky");
    }

    @Test
    void autoChoosesZonkyWhenDockerIsUnavailable() {
        ServerProvider selected =
                ServerProviders.select("auto", new ZonkyServerProvider(), withEnvironment(Map.of()));

        assertThat(selected.name()).isEqualTo("zonky");
        assertThat(selected.isAvailable()).isTrue();
    }

    @Test
    void autoChoosesTestcontainersWhenDockerIsAvailable() {
        ServerProvider docker = new ServerProvider() {
            @Override
            public String name() {
                return "testcontainers";
            }

            @Override
            public Availability availability() {
                return Availability.available("pretend Docker");
            }

            @Override
            public RunningServer start(String version) {
                throw new UnsupportedOperationException();
            }
        };

        assertThat(ServerProviders.select(null, new ZonkyServerProvider(), docker)).isSameAs(docker);
    }

    @Test
    void zonkyProviderStartsAServerOfTheRequestedVersion() throws Exception {
        try (RunningServer server = new ZonkyServerProvider().start(PostgresVersions.V16)) {
            assertThat(server.queryValue("postgres", "SHOW server_version_num")).isEqualTo("160010");
            assertThat(server.majorVersion()).isEqualTo(16);
        }
    }

    @Test
    void explicitlyRequestedProviderIsReturnedEvenIfUnavailable() {
        TestcontainersServerProvider unavailable = withEnvironment(Map.of());

        assertThat(ServerProviders.select(" Testcontainers ", new ZonkyServerProvider(), unavailable))
                .isSameAs(unavailable);
    }

    @Test
    void unknownProviderNameIsRejected() {
        assertThatThrownBy(() -> ServerProviders.select("docker", new ZonkyServerProvider(), withEnvironment(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown server provider 'docker'")
                .hasMessageContaining("zonky, testcontainers or auto");
    }

    @Test
    void selectReadsTheSystemProperty() {
        String previous = System.getProperty(ServerProviders.PROPERTY);
        System.setProperty(ServerProviders.PROPERTY, "zonky");
        try {
            assertThat(ServerProviders.select()).isInstanceOf(ZonkyServerProvider.class);
        } finally {
            if (previous == null) {
                System.clearProperty(ServerProviders.PROPERTY);
            } else {
                System.setProperty(ServerProviders.PROPERTY, previous);
            }
        }
    }

    private TestcontainersServerProvider withEnvironment(Map<String, String> environment) {
        return new TestcontainersServerProvider(environment, home, home.resolve("no-such-docker.sock"));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
