package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Layout;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Shell;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell path of pre-upgrade answers every bad input as the Java pre-upgrade does: each case runs
 * through the same one-file hook twice, once in an old container with Java (the hook runs the Java
 * CLI) and once without (the shell path, under busybox sh), and both must give the same exit code
 * and error code, usually the very same line, and write nothing. Writes
 * {@code target/generated-docs/shell-bad-inputs.md} (see {@link GeneratedDocs}).
 */
class ShellPreUpgradeBadInputIT {

    private static final Map<Integer, String> TABLE = new ConcurrentSkipListMap<>();
    private static final String FROM = ShellPreUpgradeIT.FROM;
    private static final String TO = ShellPreUpgradeIT.TO;

    @TempDir
    static Path shared;
    private static ShellHookFixture dogu;

    @BeforeAll
    static void oldContainer() throws Exception {
        dogu = ShellHookFixture.in(shared, Layout.SAME, Store.DOGUCTL);
        dogu.startOldServerWithSampleData(ShellPreUpgradeIT.OLD_SERVER, SampleClusters.Kind.SAMPLE_DATA);
    }

    @Test
    void malformedVersion() throws Exception {
        compare(1, "malformed version", env -> { }, true, 2, "pre-upgrade", "14.x", TO);
    }

    @Test
    void missingArgument() throws Exception {
        compare(2, "missing TO argument", env -> { }, true, 2, "pre-upgrade", FROM);
    }

    @Test
    void majorDowngrade() throws Exception {
        compare(3, "major downgrade", env -> { }, true, 3, "pre-upgrade", TO, FROM);
    }

    @Test
    void unknownStateStore() throws Exception {
        compare(4, "unknown state-store scheme", env -> env.put("DOGU_UPGRADE_STATE_STORE", "etcd://somewhere"), true, 2,
                "pre-upgrade", FROM, TO);
    }

    @Test
    void corruptedStateFile() throws Exception {
        Path file = shared.resolve("corrupted-state.properties");
        com.cloudogu.upgrade.core.StateStores.open("file:" + file, Map.of()).set("some_key", "some value");
        Files.writeString(file, Files.readString(file).replace("some value", "tampered"));
        compare(15, "corrupted file state store", env -> env.put("DOGU_UPGRADE_STATE_STORE", "file:" + file), true, 3,
                "pre-upgrade", FROM, TO);
        assertThat(Files.readString(file)).as("not reset").contains("tampered");
    }

    @Test
    void brokenDoguctl() throws Exception {
        dogu.breakDoguctl();
        try {
            compare(5, "doguctl fails (etcd unreachable), after 3 retries", env -> { }, true, 3, "pre-upgrade", FROM, TO);
        } finally {
            dogu.repairDoguctl();
        }
    }

    @Test
    void backupDirectoryIsAFile() throws Exception {
        Path file = shared.resolve("not-a-directory");
        Files.writeString(file, "a file where the backup directory should be");
        compare(6, "backup directory is a file", env -> env.put("DOGU_UPGRADE_BACKUP_DIR", file.toString()), true, 3,
                "pre-upgrade", FROM, TO);
    }

    @Test
    void aFailedBackupLiftsTheReadOnlyGuard() throws Exception {
        Path file = shared.resolve("not-a-directory-either");
        Files.writeString(file, "a file where the backup directory should be");
        CliProcess.Result shell = compare(14, "backup fails with the read-only guard on (the guard is lifted again)", env -> {
            env.put("DOGU_UPGRADE_BACKUP_DIR", file.toString());
            env.put("DOGU_UPGRADE_READ_ONLY_DURING_BACKUP", "true");
        }, true, 3, "pre-upgrade", FROM, TO);
        assertThat(dogu.oldServer().queryValue("postgres", "SELECT current_setting('default_transaction_read_only')"))
                .as("the old cluster accepts writes again").isEqualTo("off");
        assertThat(shell.stderr()).contains("old cluster is read-only from now on", "old cluster accepts writes again");
    }

    @Test
    void noSpaceForTheBackup() throws Exception {
        Path tiny = Files.createDirectories(shared.resolve("tiny"));
        run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", tiny.toString());
        try {
            compare(7, "no space for the backup (1 MiB tmpfs)", env -> env.put("DOGU_UPGRADE_BACKUP_DIR", tiny.toString()),
                    false, 3, "pre-upgrade", FROM, TO);
            try (Stream<Path> files = Files.list(tiny)) {
                assertThat(files).as("nothing written").isEmpty();
            }
        } finally {
            run("umount", "-l", tiny.toString());
        }
    }

    @Test
    void oldServerNotReachable() throws Exception {
        compare(8, "old server not reachable (wrong PGPORT)", env -> env.put("PGPORT", "1"), false, 3,
                "pre-upgrade", FROM, TO);
    }

    @Test
    void anotherPreUpgradeHoldsTheLock() throws Exception {
        Map<Integer, CliProcess.Result> results = new HashMap<>();
        for (boolean java : List.of(true, false)) {
            Map<String, String> env = environment(java);
            Map<String, String> holding = new HashMap<>(env);
            holding.put("DOGU_UPGRADE_HOLD_AT", "pre-upgrade.before-dump");
            CliProcess.Started holder = dogu.start(Shell.BUSYBOX, holding, "pre-upgrade", FROM, TO);
            try {
                holder.awaitLog("holding at pre-upgrade.before-dump", 120);
                results.put(java ? 0 : 1, dogu.run(Shell.BUSYBOX, env, "pre-upgrade", FROM, TO));
            } finally {
                ShellHookFixture.killProcessGroup(holder);
            }
            cleanUp();
        }
        record(9, "another pre-upgrade holds the lock", results.get(0), results.get(1), false, 5);
    }

    @Test
    void otherCommandsNeedJava() throws Exception {
        CliProcess.Result shell = dogu.run(Shell.BUSYBOX, environment(false), "status");
        String line = lastLine(shell);
        TABLE.put(10, "| another command without Java | `dogu-upgrade status` | (0: runs) | " + shell.exitCode() + " | "
                + line.replace("|", "\\|") + " |");
        assertThat(shell.exitCode()).isEqualTo(3);
        assertThat(line).startsWith("dogu-upgrade: error [DU-PROCESS]: 'status' needs a Java 17+ runtime");
    }

    @Test
    void fromNamesAnotherMajorThanTheCluster() throws Exception {
        shellOnly(11, "FROM names another major than the cluster in PGDATA", env -> { }, 3,
                "[DU-PGDATA]: PGDATA " + dogu.oldData() + " holds a PostgreSQL 14 cluster, but 12.22-1 is a PostgreSQL 12"
                        + " image", "pre-upgrade", "12.22-1", TO);
    }

    @Test
    void pgdataIsNotTheRunningServersDataDirectory() throws Exception {
        Path other = Files.createDirectories(shared.resolve("other-pgdata"));
        Files.writeString(other.resolve("PG_VERSION"), "14\n");
        shellOnly(12, "PGDATA is not the running server's data directory", env -> env.put("PGDATA", other.toString()), 3,
                "[DU-PGDATA]: PGDATA " + other + " is not the data directory of the running server", "pre-upgrade",
                FROM, TO);
    }

    @Test
    void pluginBackupRulesCannotRunWithoutJava() throws Exception {
        Path plugins = Files.createDirectories(shared.resolve("plugins"));
        shellOnly(13, "DOGU_UPGRADE_PLUGINS set, no built-in rule requires a backup", env -> env.put(
                "DOGU_UPGRADE_PLUGINS", plugins.toString()), 3, "[DU-DISCOVERY]: The plugins in " + plugins
                + " may bring backup rules, which only Java can evaluate", "pre-upgrade", "14.17-5", "14.21-1");
    }

    private void shellOnly(int index, String what, Consumer<Map<String, String>> change, int exit, String fragment,
                           String... args) throws Exception {
        Map<String, String> env = environment(false);
        change.accept(env);
        CliProcess.Result shell = dogu.run(Shell.BUSYBOX, env, args);
        assertNothingWritten(what);
        String line = lastLine(shell);
        TABLE.put(index, "| " + what + " | `dogu-upgrade " + String.join(" ", args) + "` | " + (what.contains("PLUGINS") ? "(runs the rules)" : "(not checked)") + " | "
                + shell.exitCode() + " | " + line.replace("|", "\\|") + " |");
        assertThat(shell.exitCode()).as(what + "\n" + shell.stderr()).isEqualTo(exit);
        assertThat(line).contains(fragment);
    }

    private static Map<String, String> environment(boolean java) {
        return new HashMap<>(java ? dogu.oldContainerEnvironmentWithJava() : dogu.oldContainerEnvironment());
    }

    private CliProcess.Result compare(int index, String what, Consumer<Map<String, String>> change, boolean sameLine,
                                      int exit, String... args) throws Exception {
        Map<String, String> withJava = environment(true);
        change.accept(withJava);
        CliProcess.Result java = dogu.run(Shell.BUSYBOX, withJava, args);
        assertNothingWritten(what + " (Java)");
        assertThat(dogu.oldServer().queryValue("postgres", "SELECT current_setting('default_transaction_read_only')"))
                .as(what + " (Java): read-only guard lifted").isEqualTo("off");
        Map<String, String> withoutJava = environment(false);
        change.accept(withoutJava);
        CliProcess.Result shell = dogu.run(Shell.BUSYBOX, withoutJava, args);
        assertThat(shell.stderr()).as(what + ": took the shell path").doesNotContain("[INFO] PreUpgradePhase");
        assertNothingWritten(what + " (shell)");
        record(index, what, java, shell, sameLine, exit);
        return shell;
    }

    private static void record(int index, String what, CliProcess.Result java, CliProcess.Result shell,
                               boolean sameLine, int exit) {
        String javaLine = lastLine(java);
        String shellLine = lastLine(shell);
        TABLE.put(index, "| " + what + " | `dogu-upgrade " + String.join(" ", shell.args().split(" ", 2)[1]) + "` | "
                + java.exitCode() + " | " + shell.exitCode() + " | " + shellLine.replace("|", "\\|") + " |");
        assertThat(java.exitCode()).as(what + ": Java exit code\n" + java.stderr()).isEqualTo(exit);
        assertThat(shell.exitCode()).as(what + ": shell exit code\n" + shell.stderr()).isEqualTo(exit);
        assertThat(kind(shellLine)).as(what + ": error code").isEqualTo(kind(javaLine));
        if (sameLine) {
            assertThat(shellLine).as(what + ": the same line").isEqualTo(javaLine);
        }
        assertThat(shell.stderr()).doesNotContain("\tat ");
    }

    /** "dogu-upgrade: error [DU-SPACE]" or "dogu-upgrade: usage error" */
    private static String kind(String line) {
        int end = line.indexOf("]: ");
        return end > 0 ? line.substring(0, end + 1) : line.substring(0, Math.max(0, line.indexOf(": ", 14)));
    }

    private static String lastLine(CliProcess.Result r) {
        List<String> lines = r.stderr().lines().filter(l -> l.startsWith("dogu-upgrade: ")).toList();
        return lines.isEmpty() ? "(none)" : lines.get(lines.size() - 1);
    }

    private static void assertNothingWritten(String what) throws IOException {
        assertThat(dogu.state(StateKeys.LOCAL_STATE)).as(what + ": local_state").isEmpty();
        assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).as(what + ": migration_backup_path").isEmpty();
        assertThat(dogu.state("migration_old_pgdata")).as(what + ": migration_old_pgdata").isEmpty();
        if (Files.isDirectory(dogu.backupDirectory())) {
            try (Stream<Path> files = Files.list(dogu.backupDirectory())) {
                assertThat(files).as(what + ": backup directory").isEmpty();
            }
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (Files.exists(dogu.backupDirectory())) {
            try (Stream<Path> tree = Files.walk(dogu.backupDirectory())) {
                for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out + " (needs root and tmpfs)");
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        dogu.close();
        StringBuilder md = new StringBuilder("| bad input | command | exit with Java | exit without Java | message without"
                + " Java (shell path) |\n| --- | --- | --- | --- | --- |\n");
        TABLE.values().forEach(l -> md.append(l).append('\n'));
        md.append("\nGenerated by ShellPreUpgradeBadInputIT on ").append(LocalDate.now())
                .append(" (busybox sh; the same hook file with and without a Java runtime).\n");
        GeneratedDocs.publish("shell-bad-inputs", md.toString());
    }
}
