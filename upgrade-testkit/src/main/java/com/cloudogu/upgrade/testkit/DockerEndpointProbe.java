package com.cloudogu.upgrade.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A cheap look for a Docker endpoint before asking Testcontainers, whose own probing is slow and
 * noisy when there is nothing to find. It looks where Testcontainers looks first: {@code
 * DOCKER_HOST}, {@code docker.host} in {@code ~/.testcontainers.properties}, then the usual socket
 * paths, and checks that the endpoint accepts a connection.
 */
final class DockerEndpointProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    /** The system-wide socket of a rootful Docker engine. */
    static final Path SYSTEM_SOCKET = Path.of("/var/run/docker.sock");

    private final Map<String, String> environment;
    private final Path userHome;
    private final Path systemSocket;

    DockerEndpointProbe(Map<String, String> environment, Path userHome, Path systemSocket) {
        this.environment = environment;
        this.userHome = userHome;
        this.systemSocket = systemSocket;
    }

    /** @return the endpoint that accepted a connection, or the reason why none did */
    ServerProvider.Availability probe() {
        String configured = configuredHost();
        if (configured != null) {
            return check(configured);
        }
        List<String> candidates = new ArrayList<>(List.of(systemSocket.toString()));
        String runtimeDir = environment.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            candidates.add(runtimeDir + "/docker.sock");
        }
        candidates.add(userHome.resolve(".docker/run/docker.sock").toString());
        candidates.add(userHome.resolve(".docker/desktop/docker.sock").toString());
        candidates.add(userHome.resolve(".rd/docker.sock").toString());
        for (String socket : candidates) {
            if (Files.exists(Path.of(socket))) {
                return check("unix://" + socket);
            }
        }
        return ServerProvider.Availability.unavailable("no Docker endpoint: DOCKER_HOST is not set, "
                + "~/.testcontainers.properties has no docker.host, and none of " + candidates + " exists");
    }

    private String configuredHost() {
        String host = environment.get("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return host.trim();
        }
        Path properties = userHome.resolve(".testcontainers.properties");
        if (Files.isRegularFile(properties)) {
            Properties values = new Properties();
            try (InputStream in = Files.newInputStream(properties)) {
                values.load(in);
            } catch (IOException e) {
                return null;
            }
            String fromFile = values.getProperty("docker.host");
            return fromFile == null || fromFile.isBlank() ? null : fromFile.trim();
        }
        return null;
    }

    private static ServerProvider.Availability check(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return ServerProvider.Availability.unavailable("Docker endpoint " + endpoint + " is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        try {
            switch (scheme) {
                case "unix" -> {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
                    }
                }
                case "tcp", "http", "https" -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()),
                                CONNECT_TIMEOUT_MILLIS);
                    }
                }
                default -> {
                    return ServerProvider.Availability.unavailable("Docker endpoint " + endpoint
                            + " uses an unsupported scheme (expected unix:// or tcp://)");
                }
            }
        } catch (IOException | RuntimeException e) {
            return ServerProvider.Availability.unavailable("Docker endpoint " + endpoint + " is not reachable: " + e);
        }
        return ServerProvider.Availability.available("Docker endpoint " + endpoint + " accepts connections");
    }
}
