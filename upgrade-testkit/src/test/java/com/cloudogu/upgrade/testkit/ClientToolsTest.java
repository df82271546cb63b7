package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locating Debian's postgresql-15 client programs. */
class ClientToolsTest {

    @TempDir
    Path empty;

    @Test
    void locatesTheDumpAndRestoreProgramsOfPostgresql15() {
        ClientTools tools = ClientTools.locate();

        for (String tool : new String[] {"psql", "pg_dump", "pg_dumpall", "pg_restore", "vacuumdb", "pgbench"}) {
            assertThat(tools.path(tool)).isExecutable();
        }
        assertThat(tools.command("psql", "-X", "-c", "SELECT 1"))
                .containsExactly(tools.directory().resolve("psql").toString(), "-X", "-c", "SELECT 1");
    }

    @Test
    void missingInstallationNamesThePackageToInstall() {
        assertThatThrownBy(() -> ClientTools.at(empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("install postgresql-15 (apt-get install -y postgresql-15)")
                .hasMessageContaining(ClientTools.DIRECTORY_PROPERTY);
    }

    @Test
    void missingProgramNamesThePackageToInstall() {
        assertThatThrownBy(() -> ClientTools.locate().path("pg_frobnicate"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pg_frobnicate")
                .hasMessageContaining("apt-get install -y postgresql-15");
    }
}
