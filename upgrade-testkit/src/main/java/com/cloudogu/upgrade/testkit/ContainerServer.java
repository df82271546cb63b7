package com.cloudogu.upgrade.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A server in an official {@code postgres} container. The only class that touches Testcontainers
 * types, so the rest of the testkit loads without that optional dependency.
 */
final class ContainerServer implements RunningServer {

    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD = "testkit";

    private final String version;
    private final PostgreSQLContainer<?> container;

    private ContainerServer(String version, PostgreSQLContainer<?> container) {
        this.version = version;
        this.container = container;
    }

    // Returns the interface type so callers' bytecode never names this class's Testcontainers types.
    static RunningServer start(String version) {
        int major = PostgresBinaries.majorOf(version);
        int minor = Integer.parseInt(PostgresBinaries.parse(version).group(2));
        DockerImageName image = DockerImageName.parse("postgres:" + major + "." + minor);
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(image)
                .withUsername(SUPERUSER)
                .withPassword(PASSWORD)
                .withDatabaseName("postgres");
        container.start();
        return new ContainerServer(version, container);
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int majorVersion() {
        return PostgresBinaries.majorOf(version);
    }

    @Override
    public String superuser() {
        return SUPERUSER;
    }

    @Override
    public String jdbcUrl(String database) {
        String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return "jdbc:postgresql://" + container.getHost() + ":"
                + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + encoded;
    }

    @Override
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", PASSWORD);
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerServer[" + container.getDockerImageName() + "]";
    }
}
