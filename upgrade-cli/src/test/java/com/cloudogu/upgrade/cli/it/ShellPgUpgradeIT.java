package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Layout;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Shell;
import com.cloudogu.upgrade.cli.it.ShellHookFixture.Store;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationCopy;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationDumper;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldInstallation;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_upgrade method with pre-upgrade in an old container that has no Java: the one-file hook's
 * shell path (busybox applets on PATH, Debian's PostgreSQL 15 as the old image's installation)
 * carries the old installation over the volume, and the Java CLI of the new image (Debian's 17)
 * verifies the copy against its manifest, probes it and runs {@code pg_upgrade} with it.
 */
class ShellPgUpgradeIT {

    private static final String NEW_PASSWORD = "n3w-shell-pg-upgrade-secret";
    private static final Map<String, String> PG_UPGRADE = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade");
    /** Link mode with its default rollback, which pre-upgrade writes: a plain dump. */
    private static final Map<String, String> LINK = Map.of("DOGU_UPGRADE_METHOD", "pg-upgrade",
            "DOGU_UPGRADE_PG_UPGRADE_MODE", "link");

    /**
     * The whole method without Java in the old container, in link mode: the shell path first writes
     * link mode's rollback (a plain dump, published with its manifest and named in the copy), then
     * carries the installation over; a SIGKILL to the hook's process group while the old installation
     * is being copied (its {@code cp} of the package library hangs; dash), then a rerun (busybox sh)
     * that dumps again, removes the killed attempt's copy and carries the installation over
     * completely; the new image's Java CLI verifies the copy and the dump, probes the copy and runs
     * {@code pg_upgrade --link} with the dump as its rollback. One case for all of it: each
     * pg_upgrade through the CLI costs half a minute.
     */
    @Test
    void aKillInTheMiddleOfTheCopyThenARerunCarriesTheInstallationOverForAnIdenticalPgUpgrade(@TempDir Path root)
            throws Exception {
        Images images = Images.debian15To17();
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.DOCKER_TO_DOCKER, Store.DOGUCTL, "15", "17")) {
            ClusterFingerprint before = startOldCluster(dogu, images);
            Map<String, String> env = new HashMap<>(dogu.oldContainerEnvironment());
            env.putAll(LINK);
            Path stalled = dogu.stallCopyOf("plpgsql.so");

            CliProcess.Started first = dogu.start(Shell.DASH, env, "pre-upgrade", images.from(), images.to());
            awaitFile(stalled, first);
            List<Path> partials = partials(dogu);
            assertThat(partials).as("the attempt's copy under way").hasSize(1);
            Path partial = partials.get(0);
            assertThat(partial.getFileName().toString()).startsWith("pg-upgrade-" + images.from() + ".d.");
            assertThat(partial.resolve("root" + images.oldImage().bin().resolve("postgres"))).as("programs copied")
                    .isRegularFile();
            assertThat(partial.resolve(InstallationCopy.MANIFEST)).as("the copy is not finished").doesNotExist();
            ShellHookFixture.killProcessGroup(first);
            assertThat(first.stderrSoFar()).contains("disk space check", "link mode may run later (link asked for);"
                    + " writing a plain dump as its rollback", "carrying the old installation over into " + partial);
            assertThat(dogu.doguctlWrites()).as("nothing recorded by the killed attempt").isEmpty();

            dogu.unstallCopy();
            env.remove("DOGU_UPGRADE_METHOD"); // the rerun takes the method as an option, as the Java CLI does
            CliProcess.Result rerun = dogu.run(Shell.BUSYBOX, env, "pre-upgrade", "--upgrade-method", "pg-upgrade",
                    images.from(), images.to()).ok();
            assertThat(rerun.stderr()).contains("running the shell path of pre-upgrade", "writing a plain dump as its"
                    + " rollback", "removing " + partial, "old installation 15.", "published as")
                    .doesNotContain("[WARN]", "[ERROR]");
            assertThat(partials(dogu)).as("no leftovers; the rerun logged:\n" + rerun.stderr()).isEmpty();
            assertThat(dogu.doguctlWrites()).as("order of the state keys written").containsExactly(
                    "migration_old_pgdata", StateKeys.MIGRATION_BACKUP_PATH, StateKeys.LOCAL_STATE);
            Path carried = assertCarriedOver(dogu, images);

            finishWithJavaAndCompare(dogu, images, carried, before);
        }
    }

    /** The method's and the mode's values are checked as the Java CLI checks them, before anything else (no server is needed). */
    @Test
    void anUnknownUpgradeMethodIsAUsageError(@TempDir Path root) throws Exception {
        try (ShellHookFixture dogu = ShellHookFixture.in(root, Layout.SAME, Store.DOGUCTL, "15", "17")) {
            CliProcess.Result r = dogu.run(Shell.DASH, dogu.oldContainerEnvironment(), "pre-upgrade",
                    "--upgrade-method", "pg-upgrad", "15.1-1", "17.1-1");
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
            assertThat(r.stderr().strip()).endsWith("dogu-upgrade: error [DU-USAGE]: Unknown upgrade method 'pg-upgrad':"
                    + " use dump or pg-upgrade. (see docs/ERRORS.md#du-usage)");
            assertThat(dogu.doguctlWrites()).isEmpty();
            assertThat(dogu.backupDirectory()).doesNotExist();

            Map<String, String> env = new HashMap<>(dogu.oldContainerEnvironment());
            env.put("DOGU_UPGRADE_PG_UPGRADE_MODE", "fast");
            CliProcess.Result mode = dogu.run(Shell.DASH, env, "pre-upgrade", "--upgrade-method", "pg-upgrade",
                    "15.1-1", "17.1-1");
            assertThat(mode.exitCode()).as(mode.stderr()).isEqualTo(2);
            assertThat(mode.stderr().strip()).endsWith("dogu-upgrade: error [DU-USAGE]: Unknown pg_upgrade mode 'fast':"
                    + " use auto, clone, copy or link. (see docs/ERRORS.md#du-usage)");
            assertThat(dogu.backupDirectory()).doesNotExist();
        }
    }

    /** The old and the new image: complete Debian installations, as pg_upgrade needs them. */
    private record Images(PostgresBinaries oldImage, PostgresBinaries newImage) {

        static Images debian15To17() {
            return new Images(PostgresBinaries.of(DebianInstallations.get(15)), PostgresBinaries.of(DebianInstallations.get(17)));
        }

        String from() {
            return "15." + oldImage.minor() + "-1";
        }

        String to() {
            return "17." + newImage.minor() + "-1";
        }
    }

    private static ClusterFingerprint startOldCluster(ShellHookFixture dogu, Images images) throws Exception {
        // sample data and the superuser password 'the-old-password' (the state's replaces it), prepared once
        ClusterFingerprint before = dogu.startOldServerWithSampleData(images.oldImage(),
                SampleClusters.Kind.SAMPLE_DATA_AND_OLD_PASSWORD);
        dogu.setState(StateKeys.PASSWORD, NEW_PASSWORD);
        return before;
    }

    /** The copy and its manifest as the Java pre-upgrade writes them, checked with the Java readers. */
    private static Path assertCarriedOver(ShellHookFixture dogu, Images images) throws Exception {
        assertThat(dogu.state("migration_old_pgdata")).contains(dogu.oldData().toString());
        assertThat(dogu.state(StateKeys.LOCAL_STATE)).contains(StateKeys.UPGRADING);
        Path carried = Path.of(dogu.state(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());
        assertThat(carried).isEqualTo(dogu.backupDirectory().resolve("pg-upgrade-" + images.from() + ".d"));
        String dump = "cluster-" + images.from() + ".sql";
        try (Stream<Path> files = Files.list(dogu.backupDirectory())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the copy and link mode's rollback dump")
                    .containsExactlyInAnyOrder(carried.getFileName().toString(), carried.getFileName() + ".manifest",
                            dump, dump + ".manifest");
        }
        // as RollbackDump reads it: the dump's name and the SHA-256 its manifest records
        Properties rollback = new Properties();
        try (var in = Files.newInputStream(carried.resolve("rollback-dump.properties"))) {
            rollback.load(in);
        }
        assertThat(rollback.getProperty("file")).isEqualTo(dump);
        assertThat(rollback.getProperty("sha256")).isEqualTo(BackupManifest.readFor(dogu.backupDirectory().resolve(dump))
                .sha256());

        BackupManifest manifest = new BackupVerifier(dogu.backupDirectory()).locate(carried.toString());
        assertThat(manifest.format()).isEqualTo(InstallationDumper.FORMAT);
        BackupVerifier.verifyDirectory(carried, manifest, 2); // every file, its size and SHA-256, the list digest
        assertThat(manifest.from()).isEqualTo(images.from());
        assertThat(manifest.to()).isEqualTo(images.to());
        assertThat(manifest.dumpToolVersion()).isEqualTo("pg_upgrade");
        assertThat(manifest.sourceServerVersion()).isEqualTo(dogu.oldServer().versionNumber());
        assertThat(manifest.sourceClusterBytes()).isPositive();
        assertThat(manifest.cluster().encoding()).isEqualTo(dogu.oldServer().queryValue("postgres",
                "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'"));
        assertThat(manifest.oldCluster()).hasValueSatisfying(o -> {
            assertThat(o.path()).isEqualTo(dogu.oldData());
            assertThat(o.major()).isEqualTo("15");
        });
        assertThat(manifest.size()).isEqualTo(manifest.files().stream().mapToLong(BackupManifest.FileEntry::size).sum());

        Properties inner = InstallationCopy.read(carried);
        Path bin = images.oldImage().bin();
        assertThat(inner.getProperty("format")).isEqualTo("1");
        assertThat(inner.getProperty("major")).isEqualTo("15");
        assertThat(inner.getProperty("version")).isEqualTo("15." + images.oldImage().minor());
        assertThat(inner.getProperty("bin")).isEqualTo(bin.toString());
        assertThat(inner.getProperty("libraries")).contains("libc.so.6", "libssl.so.3");
        for (String program : OldInstallation.PROGRAMS) {
            Path copy = carried.resolve("root" + bin.resolve(program));
            assertThat(copy).isExecutable();
            assertThat(inner.getProperty("sha256.root" + bin.resolve(program))).as(program).hasSize(64);
        }
        assertThat(carried.resolve("root" + inner.getProperty("pkglib")).resolve("plpgsql.so")).isRegularFile();
        assertThat(carried.resolve("root" + inner.getProperty("share")).resolve("postgres.bki")).isRegularFile();
        assertThat(manifest.files()).as("no JIT, no symbolic links").allSatisfy(f -> {
            assertThat(f.path()).doesNotContain("llvmjit", "/bitcode/");
            assertThat(carried.resolve(f.path())).isRegularFile();
        });
        long innerListed = inner.stringPropertyNames().stream().filter(k -> k.startsWith("sha256.")).count();
        assertThat(innerListed).as("every file but installation.properties itself and the rollback's record")
                .isEqualTo(manifest.files().size() - 2);

        // root's, and nobody else may change it: the new image runs these programs
        try (Stream<Path> tree = Files.walk(carried)) {
            for (Path p : tree.toList()) {
                assertThat(Files.getOwner(p).getName()).as(p.toString()).isEqualTo("root");
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString())
                        .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            }
        }
        Path manifestFile = BackupManifest.pathFor(carried);
        assertThat(Files.getOwner(manifestFile).getName()).isEqualTo("root");
        assertThat(Files.getPosixFilePermissions(manifestFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        return carried;
    }

    /** post-upgrade and startup with the Java CLI and Debian's 17 in the new container, then compare. */
    private static void finishWithJavaAndCompare(ShellHookFixture dogu, Images images, Path carried,
                                                 ClusterFingerprint before) throws Exception {
        dogu.stopOldServer();
        CliProcess post = dogu.newContainer(images.newImage());
        post.start(LINK, "post-upgrade", images.from(), images.to()).await(600).ok();
        CliProcess.Result startup = post.start(LINK, "startup").await(900).ok();
        assertThat(startup.stderr()).contains("pg_upgrade mode link: link was asked for; the rollback is the pre-upgrade"
                + " dump " + dogu.backupDirectory().resolve("cluster-" + images.from() + ".sql"),
                "migration 01-restore finished").doesNotContain(NEW_PASSWORD);
        assertThat(dogu.state(StateKeys.LOCAL_STATE)).isEmpty();
        assertThat(dogu.state(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
        assertThat(carried).doesNotExist();
        try (Stream<Path> left = Files.walk(dogu.backupDirectory())) {
            assertThat(left.filter(Files::isRegularFile)).as("the rollback dump removed with the copy").isEmpty();
        }
        assertThat(Files.readString(dogu.newData().resolve("PG_VERSION")).strip()).isEqualTo("17");
        try (PostgresServer upgraded = PostgresServer.builder(images.newImage()).dataDirectory(dogu.newData())
                .superuserPassword(NEW_PASSWORD).start()) {
            assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("differences after pg_upgrade").isEmpty();
        }
    }

    private static void awaitFile(Path file, CliProcess.Started hook) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(file)) {
            if (!hook.process().isAlive()) {
                throw new AssertionError("the hook ended before its copy hung:\n" + hook.stderrSoFar());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the copy never reached the package library:\n" + hook.stderrSoFar());
            }
            Thread.sleep(20);
        }
    }

    private static List<Path> partials(ShellHookFixture dogu) throws IOException {
        if (!Files.isDirectory(dogu.backupDirectory())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dogu.backupDirectory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".partial")).sorted().toList();
        }
    }
}
