package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported major family starts from its zonky binaries and answers SQL. */
class PostgresServerVersionsTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {PostgresVersions.V12, PostgresVersions.V14, PostgresVersions.V15, PostgresVersions.V17,
        PostgresVersions.V18})
    void serverOfTheRequestedVersionStartsAndAnswersSql(String version) throws Exception {
        PostgresBinaries binaries = PostgresBinaries.of(version);

        try (PostgresServer server = PostgresServer.builder(binaries).start()) {
            assertThat(server.queryValue("postgres", "SELECT current_setting('server_version_num')"))
                    .isEqualTo(Integer.toString(binaries.versionNumber()));
            assertThat(server.queryValue("postgres", "SELECT current_user")).isEqualTo("postgres");
            assertThat(server.queryValue("postgres", "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate"
                    + " FROM pg_database WHERE datname = 'postgres'")).isEqualTo("UTF8 C.UTF-8");
            assertThat(server.socketDirectory().resolve(".s.PGSQL." + server.port())).exists();
            assertThat(Files.getOwner(server.dataDirectory()).getName()).isEqualTo(OsUser.serverUser());
        }
    }

    @Test
    void everySupportedMajorShipsTheExtensionsTheSampleDataUses() {
        for (String version : PostgresVersions.latestPerMajor()) {
            PostgresBinaries binaries = PostgresBinaries.of(version);

            assertThat(binaries.share().resolve("extension"))
                    .as(version)
                    .isDirectoryContaining("glob:**/pgcrypto.control")
                    .isDirectoryContaining("glob:**/hstore.control");
            assertThat(PostgresBinaries.of(version)).as("resolved once per JVM").isSameAs(binaries);
        }
    }
}
