package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one clear line with a stable code, a documented exit code, no
 * stack trace, and changes nothing it should not. Writes the table to
 * {@code target/generated-docs/bad-inputs.md} (see {@link GeneratedDocs}).
 */
class BadInputIT {

    private static final Map<Integer, String> TABLE = new ConcurrentSkipListMap<>();
    private static final String OLD = "14.19.0";
    private static final String NEW = "17.6.0";

    @TempDir
    static Path shared;
    private static EmbeddedDogu dogu;

    @TempDir
    Path root;

    /** One dogu after pre-upgrade (backup recorded, old cluster stopped) serves the post-upgrade cases. */
    @BeforeAll
    static void preparedUpgrade() throws Exception {
        dogu = EmbeddedDogu.in(shared);
        dogu.startWithSampleDataOnly(OLD);
        dogu.cli(OLD).run("pre-upgrade", "14.19-1", "17.6-0").ok();
        dogu.stopServer();
    }

    @Test
    void malformedVersion() throws Exception {
        row(1, "malformed version", dogu.cli(NEW).run("post-upgrade", "14.x", "17.6-0"), 2, "Invalid dogu version '14.x'");
    }

    @Test
    void missingArgument() throws Exception {
        row(2, "missing TO argument", dogu.cli(NEW).run("pre-upgrade", "14.19-1"), 2, "Missing required parameter");
    }

    @Test
    void majorDowngrade() throws Exception {
        row(3, "major downgrade", dogu.cli(OLD).run("post-upgrade", "17.6-0", "14.19-1"), 3, "Refusing the major downgrade");
    }

    @Test
    void dataDirectoryAboveTheOldCluster() throws Exception {
        Map<String, String> env = new HashMap<>(dogu.environment(NEW));
        env.put("PGDATA", dogu.volume().toString());
        CliProcess cli = new CliProcess(CliProcess.defaultJar(), env, Files.createDirectories(root.resolve("logs")));
        row(4, "PGDATA above the recorded old cluster", cli.run("post-upgrade", "14.19-1", "17.6-0"), 3,
                "must not lie above");
        assertThat(dogu.pgdata(OLD).resolve("PG_VERSION")).as("old cluster in place").exists();
    }

    @Test
    void dataDirectoryOfAnUnexpectedMajor() throws Exception {
        try (EmbeddedDogu other = EmbeddedDogu.in(root, EmbeddedDogu.Layout.FIXED)) {
            other.startServer(OLD);
            other.stopServer();
            row(5, "PGDATA of an unexpected major (14 cluster, 17 image, no backup)",
                    other.cli(NEW).run("post-upgrade", "17.2-1", "17.6-0"), 3, "holds a PostgreSQL 14 cluster");
        }
    }

    @Test
    void backupDirectoryNotWritable() throws Exception {
        try (EmbeddedDogu other = EmbeddedDogu.in(root)) {
            other.startServer(OLD);
            Files.writeString(other.backupDirectory(), "a file where the backup directory should be");
            CliProcess.Result r = other.cli(OLD).run("pre-upgrade", "14.19-1", "17.6-0");
            row(6, "backup directory not writable (a file)", r, 3, "is not writable: it is a file");
            assertThat(other.state().get(StateKeys.LOCAL_STATE)).isEmpty();
        }
    }

    @Test
    void backupPathOutsideTheBackupDirectory() throws Exception {
        withRecordedPath(Path.of("/etc/passwd").toString(), 7, "migration_backup_path outside the backup directory",
                "not a file directly inside the backup directory");
    }

    @Test
    void backupPathThroughASymlink() throws Exception {
        Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        Path link = dogu.backupDirectory().resolve("link.sql");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, backup);
        withRecordedPath(link.toString(), 8, "migration_backup_path through a symlink", "symbolic links are refused");
    }

    @Test
    void emptyDump() throws Exception {
        Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        Path empty = dogu.backupDirectory().resolve("empty.sql");
        Files.write(empty, new byte[0]);
        Files.copy(backup.resolveSibling(backup.getFileName() + ".manifest"),
                dogu.backupDirectory().resolve("empty.sql.manifest"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        withRecordedPath(empty.toString(), 9, "empty dump", "truncated or altered");
    }

    @Test
    void truncatedDump() throws Exception {
        Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        Path cut = dogu.backupDirectory().resolve("cut.sql");
        Files.copy(backup, cut, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(backup.resolveSibling(backup.getFileName() + ".manifest"),
                dogu.backupDirectory().resolve("cut.sql.manifest"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(cut.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        withRecordedPath(cut.toString(), 10, "truncated dump", "truncated or altered");
    }

    @Test
    void unknownStateStoreScheme() throws Exception {
        Map<String, String> env = new HashMap<>(dogu.environment(NEW));
        env.put("DOGU_UPGRADE_STATE_STORE", "etcd://somewhere");
        CliProcess cli = new CliProcess(CliProcess.defaultJar(), env, Files.createDirectories(root.resolve("logs")));
        row(11, "unknown state-store scheme", cli.run("status"), 2, "Unknown state store 'etcd://somewhere'");
    }

    @Test
    void corruptedStateFile() throws Exception {
        try (EmbeddedDogu other = EmbeddedDogu.in(root)) {
            other.state().set("some_key", "some value");
            Path file = root.resolve("config/dogu-state.properties");
            Files.writeString(file, Files.readString(file).replace("some value", "tampered"), StandardCharsets.UTF_8);
            row(12, "corrupted file state store", other.cli(NEW).run("status"), 3, "state");
            assertThat(Files.readString(file)).contains("tampered");
        }
    }

    @Test
    void pluginDirectoryWritableByOthers() throws Exception {
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        CliProcess.Result r = dogu.cli(NEW).run("migrations", "--plugins", plugins.toString());
        row(13, "plugin directory writable by others", r, r.exitCode() == 2 ? 2 : 3, "writable");
    }

    @Test
    void pgdataThatIsNotTheRunningServersDataDirectory() throws Exception {
        try (EmbeddedDogu other = EmbeddedDogu.in(root)) {
            other.startServer(OLD);
            Map<String, String> env = new HashMap<>(other.environment(OLD));
            env.put("PGDATA", Files.createDirectories(other.volume().resolve("elsewhere")).toString());
            CliProcess cli = new CliProcess(CliProcess.defaultJar(), env, Files.createDirectories(root.resolve("logs")));
            row(14, "PGDATA is not the running server's data directory", cli.run("pre-upgrade", "14.19-1", "17.6-0"), 3,
                    "running server's data directory is " + other.pgdata(OLD));
            assertThat(other.backupDirectory()).as("nothing written").doesNotExist();
            assertThat(other.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(other.state().get(StateKeys.MIGRATION_OLD_PGDATA)).isEmpty();
        }
    }

    private void withRecordedPath(String value, int index, String what, String fragment) throws Exception {
        String original = dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow();
        String version = Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION"));
        try {
            dogu.state().set(StateKeys.MIGRATION_BACKUP_PATH, value);
            row(index, what, dogu.cli(NEW).run("post-upgrade", "14.19-1", "17.6-0"), 3, fragment);
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).contains(value);
            assertThat(Files.readString(dogu.pgdata(OLD).resolve("PG_VERSION"))).as("old cluster in place").isEqualTo(version);
        } finally {
            dogu.state().set(StateKeys.MIGRATION_BACKUP_PATH, original);
            dogu.state().set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);
        }
    }

    private static void row(int index, String what, CliProcess.Result r, int expectedExit, String fragment) {
        List<String> lines = r.stderr().lines().filter(l -> l.startsWith("dogu-upgrade: ")).toList();
        String message = lines.isEmpty() ? "(none)" : lines.get(lines.size() - 1);
        TABLE.put(index, "| " + what + " | `dogu-upgrade " + r.args() + "` | " + r.exitCode() + " | "
                + message.replace("|", "\\|") + " |");
        assertThat(r.exitCode()).as(what + ": exit code\n" + r.stderr()).isEqualTo(expectedExit);
        assertThat(message).as(what + ": message").contains(fragment);
        assertThat(r.stderr()).as(what + ": no stack trace").doesNotContain("\tat ");
    }

    @AfterAll
    static void writeTable() throws IOException {
        dogu.close();
        StringBuilder md = new StringBuilder("| bad input | command | exit | message |\n| --- | --- | --- | --- |\n");
        TABLE.values().forEach(l -> md.append(l).append('\n'));
        md.append("\nGenerated by BadInputIT on ").append(LocalDate.now()).append(".\n");
        GeneratedDocs.publish("bad-inputs", md.toString());
    }
}
