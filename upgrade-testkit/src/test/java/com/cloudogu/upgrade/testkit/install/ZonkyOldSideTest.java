package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.FileTrees;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * zonky 14 and 16, which Debian does not ship, as the old side of a real pg_upgrade to Debian 17 and
 * 18, through {@link ZonkyOldSide}'s test-only pg_resetwal stand-in.
 */
class ZonkyOldSideTest {

    private Path work;

    @BeforeEach
    void createWorkDirectory() throws IOException {
        work = LocalCluster.serverOwnedDirectory("zonky-old-side-");
    }

    @AfterEach
    void deleteWorkDirectory() throws IOException {
        FileTrees.deleteRecursively(work);
    }

    @ParameterizedTest(name = "zonky {0} -> Debian {1}")
    @CsvSource({PostgresVersions.V14 + ",17", PostgresVersions.V16 + ",18"})
    void zonkyServerIsTheOldSideOfPgUpgradeLink(String zonkyVersion, int newMajor) throws IOException {
        PostgresBinaries zonky = PostgresBinaries.of(zonkyVersion);
        PostgresInstallation target = DebianInstallations.get(newMajor);
        Path oldBin = ZonkyOldSide.assemble(zonky, DebianInstallations.get(15), work.resolve("old-bin"));
        assertThat(LocalCluster.runAsServerUser(work, List.of(oldBin.resolve("pg_resetwal").toString(), "-V")))
                .isEqualTo("pg_resetwal (PostgreSQL) " + zonky.major() + "." + zonky.minor() + "\n");

        Path oldData = work.resolve("old");
        Path newData = work.resolve("new");
        try (LocalCluster source = new LocalCluster(oldBin, target.bin(), oldData, work, 55614)) {
            source.initdb();
            source.start();
            source.psql("CREATE TABLE items(id int PRIMARY KEY, label text NOT NULL);"
                    + " INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 3000) g");
        }
        // zonky's initdb leaves checksums off; 18's initdb turns them on unless told otherwise.
        String[] checksums = newMajor >= 18 ? new String[] {"--no-data-checksums"} : new String[0];
        new LocalCluster(target, newData, work, 55618).initdb(checksums);

        List<String> pgUpgrade = new ArrayList<>(List.of(target.tool("pg_upgrade").toString(), "-b",
                oldBin.toString(), "-B", target.bin().toString(), "-d", oldData.toString(), "-D",
                newData.toString(), "-U", "postgres", "-p", "55614", "-P", "55618", "-s", work.toString()));
        pgUpgrade.add("--check");
        assertThat(LocalCluster.runAsServerUser(work, pgUpgrade)).contains("Clusters are compatible");
        pgUpgrade.set(pgUpgrade.size() - 1, "--link");
        assertThat(LocalCluster.runAsServerUser(work, pgUpgrade)).contains("Upgrade Complete");

        try (LocalCluster upgraded = new LocalCluster(target, newData, work, 55618)) {
            upgraded.start();
            assertThat(upgraded.psql("SELECT count(*) || ' ' || sum(id) FROM items")).isEqualTo("3000 4501500");
            assertThat(upgraded.psql("SHOW server_version_num")).startsWith(Integer.toString(newMajor));
        }
    }
}
