package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.FileTrees;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Complete Debian installations of 13, 15, 17 and 18 run on this host: a server starts as the server
 * OS user, the client tools report the server's exact version, and pg_upgrade carries rows from 13
 * to 17. Needs the Debian mirror on the first run (then the cache); without it the tests fail, they
 * are never skipped.
 */
class DebianInstallationsTest {

    private static Path work;

    @BeforeAll
    static void createWorkDirectory() throws IOException {
        work = LocalCluster.serverOwnedDirectory("debian-installations-");
    }

    @AfterAll
    static void deleteWorkDirectory() throws IOException {
        FileTrees.deleteRecursively(work);
    }

    // An empty suite means get(major): for 15 that is the host's postgresql-15 on CI, so the
    // bookworm packages are fetched explicitly too, as on a machine without it.
    @ParameterizedTest(name = "PostgreSQL {0} {1}")
    @CsvSource({"13,", "15,", "15,bookworm", "17,", "18,"})
    void serverStartsAndEveryToolReportsTheSameVersion(int major, String suite) throws IOException {
        long started = System.nanoTime();
        PostgresInstallation installation =
                suite == null ? DebianInstallations.get(major) : DebianInstallations.fetch(major, suite);
        long millis = (System.nanoTime() - started) / 1_000_000;
        Map<String, String> m = installation.manifest();
        System.out.printf(Locale.ROOT, "MEASURE major=%d origin=%s get=%d ms [%s] index(stored)=%s B/%s ms debs=%s x %s B/%s ms"
                + " build=%s ms%n", major, installation.origin(), millis, installation.versionLine(),
                m.get("index.stored.bytes"), m.get("index.millis"), m.get("packages.count"), m.get("download.bytes"),
                m.get("download.millis"), m.get("total.millis"));

        // pg_upgrade demands this exact string from every program of its new side.
        String version = installation.versionLine().substring("postgres ".length());
        assertThat(version).startsWith("(PostgreSQL) " + major + ".");
        for (String tool : List.of("pg_upgrade", "pg_dump", "pg_controldata", "pg_resetwal", "initdb", "pg_ctl",
                "psql")) {
            assertThat(LocalCluster.runAsServerUser(work, List.of(installation.tool(tool).toString(), "-V")).strip())
                    .as(tool + " -V").isEqualTo(tool + " " + version);
        }
        assertThat(installation.share().resolve("postgres.bki")).isRegularFile();
        assertThat(installation.lib().resolve("plpgsql.so")).isRegularFile();

        Path data = work.resolve("data-" + major + "-" + (suite == null ? "default" : suite));
        try (LocalCluster cluster = new LocalCluster(installation, data, work, 55400 + major)) {
            cluster.initdb();
            cluster.start();
            assertThat(cluster.psql("SELECT version()")).startsWith("PostgreSQL " + major + ".");
            assertThat(cluster.psql("SHOW server_version_num")).startsWith(Integer.toString(major));
            // An extension module and the share directory's SQL scripts load through the patched binary.
            assertThat(cluster.psql("CREATE EXTENSION pg_trgm; SELECT similarity('upgrade', 'upgrades') > 0.5"))
                    .isEqualTo("t");
        }
    }

    @Test
    void pgUpgradeCopiesRowsFrom13To17() {
        PostgresInstallation old = DebianInstallations.get(13);
        PostgresInstallation target = DebianInstallations.get(17);
        Path oldData = work.resolve("upgrade-13");
        Path newData = work.resolve("upgrade-17");
        try (LocalCluster source = new LocalCluster(old, oldData, work, 55513)) {
            source.initdb();
            source.start();
            source.psql("CREATE TABLE items(id int PRIMARY KEY, label text NOT NULL);"
                    + " INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
            source.stop();
        }
        // Checksums: both majors default to off; the new side must match the old (18 would not).
        new LocalCluster(target, newData, work, 55517).initdb();

        List<String> pgUpgrade = List.of(target.tool("pg_upgrade").toString(), "-b", old.bin().toString(), "-B",
                target.bin().toString(), "-d", oldData.toString(), "-D", newData.toString(), "-U", "postgres", "-p",
                "55513", "-P", "55517", "-s", work.toString());
        String check = LocalCluster.runAsServerUser(work, concat(pgUpgrade, "--check"));
        assertThat(check).contains("Clusters are compatible");
        String copy = LocalCluster.runAsServerUser(work, concat(pgUpgrade, "--copy"));
        assertThat(copy).contains("Upgrade Complete");

        try (LocalCluster upgraded = new LocalCluster(target, newData, work, 55517)) {
            upgraded.start();
            assertThat(upgraded.psql("SELECT count(*) || ' ' || sum(id) || ' ' || max(label) FROM items"))
                    .isEqualTo("5000 12502500 item 999");
            assertThat(upgraded.psql("SHOW server_version_num")).startsWith("17");
        }
    }

    @Test
    void aSecondLookupIsServedFromTheCache() throws IOException {
        DebianInstallations.fetch(17, "trixie");
        long started = System.nanoTime();
        // What another JVM does: find the published link, read the manifest, run postgres -V once.
        Path home = new InstallationCache(DebianInstallations.cacheRoot(), DebianPackageInstaller.MANIFEST)
                .lookup("17-trixie");
        PostgresInstallation cached = DebianInstallations.fromCache(17, "trixie", home);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf(Locale.ROOT, "MEASURE cache-hit major=17 %d ms%n", millis);
        assertThat(cached.versionLine()).startsWith("postgres (PostgreSQL) 17.");
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void anUnreachableMirrorFailsWithAClearMessage(@TempDir Path cache) throws IOException {
        assertThatThrownBy(() -> DebianInstallations.fetch(13, "bullseye", cache, () -> "http://127.0.0.1:9/debian"))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("is the Debian mirror reachable")
                .hasMessageContaining("Could not provide PostgreSQL 13 from Debian bullseye");
        // The failed build left nothing behind but its lock file.
        try (java.util.stream.Stream<Path> left = Files.list(cache)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".13-bullseye.lock");
        }
    }

    private static List<String> concat(List<String> command, String flag) {
        List<String> all = new java.util.ArrayList<>(command);
        all.add(flag);
        return all;
    }
}
