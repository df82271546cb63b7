package com.cloudogu.upgrade.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.state.StateStoreException;
import java.io.File;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileStateStoreTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("state.properties");
    }

    @Test
    void missingFileIsAnEmptyStore() {
        FileStateStore store = new FileStateStore(file());

        assertThat(store.get("local_state")).isEmpty();
        assertThat(store.entries()).isEmpty();
        assertThat(file()).doesNotExist();
    }

    @Test
    void valuesWithSpecialCharactersRoundTripThroughTheFile() {
        List<String> values = List.of("with spaces  inside ", "  leading blanks", "it's", "say \"hi\"",
                "two\nlines\r\nand more", "tab\there", "a=b:c #not a comment !really", "back\\slash\\n",
                "ümlaut ✓ 😀", "", "\u0000nul and \u0007bell", "-starts with a dash");
        FileStateStore writer = new FileStateStore(file());
        for (int i = 0; i < values.size(); i++) {
            writer.set("key " + i + " = odd:key#", values.get(i));
        }

        FileStateStore reader = new FileStateStore(file());
        for (int i = 0; i < values.size(); i++) {
            assertThat(reader.get("key " + i + " = odd:key#")).contains(values.get(i));
        }
    }

    @Test
    void fileIsVersionedAsciiPropertiesWithAChecksumLine() throws Exception {
        FileStateStore store = new FileStateStore(file());
        store.set("local_state", "upgrading");
        store.set("migration_backup_path", "/var/lib/postgresql/backup/ä.sql");

        List<String> lines = Files.readAllLines(file(), StandardCharsets.US_ASCII);

        assertThat(lines.get(0)).isEqualTo("# dogu-upgrade state store, format 1");
        assertThat(lines.subList(1, 3)).containsExactly("local_state=upgrading",
                "migration_backup_path=/var/lib/postgresql/backup/\\u00E4.sql");
        assertThat(lines.get(3)).matches("# sha256 [0-9a-f]{64}");
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file())));
        assertThat(properties).containsEntry("migration_backup_path", "/var/lib/postgresql/backup/ä.sql");
    }

    @Test
    void removeDeletesTheKeyAndRemovingAnAbsentKeyIsFine() {
        FileStateStore store = new FileStateStore(file());
        store.set("local_state", "upgrading");

        store.remove("local_state");
        store.remove("never_set");

        assertThat(store.get("local_state")).isEmpty();
    }

    @Test
    void stateFileAndLockFileAreReadableByTheOwnerOnly() throws Exception {
        new FileStateStore(file()).set("password", "secret");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.properties.lock"))))
                .isEqualTo("rw-------");
    }

    @Test
    void createsMissingParentDirectories() {
        FileStateStore store = new FileStateStore(dir.resolve("not/yet/there/state.properties"));

        store.set("local_state", "upgrading");

        assertThat(store.get("local_state")).contains("upgrading");
    }

    @Test
    void corruptedContentIsDetectedNamingThePathAndNeverReset() throws Exception {
        FileStateStore store = new FileStateStore(file());
        store.set("local_state", "upgrading");
        String edited = Files.readString(file()).replace("upgrading", "upgraded!");
        Files.writeString(file(), edited);

        assertThatThrownBy(() -> store.get("local_state"))
                .isInstanceOfSatisfying(StateStoreException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STATE_STORE);
                    assertThat(e.getMessage()).contains(file().toString(), "corrupted", "checksum",
                            "repair it", "remove it");
                });
        assertThatThrownBy(() -> store.set("other", "value")).isInstanceOf(StateStoreException.class);
        assertThat(Files.readString(file())).isEqualTo(edited);
    }

    @Test
    void garbageTruncatedAndEmptyFilesAreCorrupted() throws Exception {
        FileStateStore store = new FileStateStore(file());
        store.set("local_state", "upgrading");
        byte[] intact = Files.readAllBytes(file());
        List<byte[]> damaged = List.of(
                "local_state=upgrading\n".getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(intact, intact.length - 10),
                java.util.Arrays.copyOf(intact, intact.length - 1),
                new byte[0],
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});

        for (byte[] content : damaged) {
            Files.write(file(), content);
            assertThatThrownBy(() -> store.get("local_state"))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageContaining(file() + " is corrupted");
        }
    }

    @Test
    void fileOfANewerFormatIsRefusedWithItsVersion() throws Exception {
        Files.writeString(file(), "# dogu-upgrade state store, format 2\n# sha256 " + "0".repeat(64) + "\n");

        assertThatThrownBy(() -> new FileStateStore(file()).get("local_state"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("format 2").hasMessageContaining("format 1 only");
    }

    @Test
    void leftoverTemporaryFileFromACrashIsIgnored() throws Exception {
        FileStateStore store = new FileStateStore(file());
        store.set("local_state", "upgrading");
        // what a writer killed between writing and renaming leaves behind
        Path leftover = dir.resolve(".state.properties.12345.tmp");
        Files.writeString(leftover, "# dogu-upgrade state store, format 1\nlocal_state=half writ");

        assertThat(store.get("local_state")).contains("upgrading");
        store.set("migration_backup_path", "/backup/x.sql");
        assertThat(new FileStateStore(file()).entries()).containsOnlyKeys("local_state", "migration_backup_path");
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws Exception {
        FileStateStore store = new FileStateStore(file());
        for (int i = 0; i < 5; i++) {
            store.set("key" + i, "value");
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("state.properties", "state.properties.lock");
        }
    }

    @Test
    void twoThreadsWritingAtOnceLoseNoUpdate() throws Exception {
        int perWriter = 150;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (String prefix : List.of("a", "b")) {
            // separate instances, as two components of one process would have
            FileStateStore store = new FileStateStore(file());
            writers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perWriter; i++) {
                    store.set(prefix + "-" + i, "value " + i);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> writer : writers) {
            writer.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(new FileStateStore(file()).entries()).hasSize(2 * perWriter);
    }

    @Test
    void twoProcessesWritingAtOnceLoseNoUpdate() throws Exception {
        int perWriter = 150;
        Path startSignal = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        for (String prefix : List.of("p1", "p2")) {
            processes.add(new ProcessBuilder(javaExecutable(), "-cp", classPath(),
                    FileStateStoreWriterMain.class.getName(), file().toString(), prefix, Integer.toString(perWriter),
                    startSignal.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(prefix + ".log").toFile())
                    .start());
        }
        Thread.sleep(1500); // let both JVMs start and wait for the signal, so the writes really overlap
        Files.writeString(startSignal, "");
        // this process writes at the same time as well
        FileStateStore own = new FileStateStore(file());
        for (int i = 0; i < perWriter; i++) {
            own.set("self-" + i, "value " + i);
        }
        for (int p = 0; p < processes.size(); p++) {
            assertThat(processes.get(p).waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(processes.get(p).exitValue()).as(Files.readString(dir.resolve("p" + (p + 1) + ".log"))).isZero();
        }

        assertThat(new FileStateStore(file()).entries()).hasSize(3 * perWriter);
    }

    @Test
    void aFileInsteadOfADirectoryIsAClearError() throws Exception {
        Files.writeString(dir.resolve("blocker"), "x");
        FileStateStore store = new FileStateStore(dir.resolve("blocker/state.properties"));

        assertThatThrownBy(() -> store.set("local_state", "upgrading"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(dir.resolve("blocker/state.properties").toString());
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The store, the API and SLF4J, from wherever the test run loaded them. */
    private static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        for (Class<?> type : List.of(FileStateStore.class, Migration.class, LoggerFactory.class,
                FileStateStoreWriterMain.class)) {
            String entry = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
