package com.cloudogu.upgrade.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.Checksums;
import com.cloudogu.upgrade.core.internal.backup.FileDigests;
import com.cloudogu.upgrade.core.internal.backup.MethodRecord;
import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationProbe;
import com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ClusterInitializer;
import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import com.cloudogu.upgrade.testkit.install.DebianInstallations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fallback ladder's last rung on real servers (Debian 15 → 17): the old cluster cannot even be
 * started here (it preloads a library the new image lacks — what pg_upgrade --check refused too),
 * so rung 2 fails before the fresh target got anything, and rung 3 restores the dump pre-upgrade
 * wrote. Without such a dump the attempt ends with rung 2's reason and an untouched target.
 */
class PgUpgradeFallbackTest {

    /** Removed after each test with all it holds (the volumes hold clusters of hundreds of MB). */
    @TempDir
    Path tmp;

    /** @return {@code dir}, made enterable for the postgres user as the dogu's volume is */
    private static Path enterable(Path dir) throws java.io.IOException {
        return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static final String SUPERUSER = "postgres";
    private static final ClusterSettings SETTINGS = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false);
    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();
    private final ServerOwner owner = ServerOwner.of("postgres");
    private final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();

    private static PostgresInstallation installation(int major) {
        return PostgresInstallation.find(new Executables(DebianInstallations.get(major).bin() + ":/usr/bin:/bin"),
                ProcessRunner.forCurrentProcess());
    }

    @Test
    void whenTheOldServerCannotStartHereThePreUpgradeDumpIsRestored() throws Exception {
        Volume v = volume(true);
        try (TemporaryServer target = v.target()) {
            new PgUpgradeFallback(v.tools()).afterRefusal(v.refusal(), v.old(), v.oldData(), v.installation(),
                    v.manifest(), target, v.work());

            assertThat(target.versionNumber() / 10000).isEqualTo(17);
            try (var c = target.connect("postgres"); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM kept")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(500);
            }
        }
        assertThat(events.stream().filter(e -> e.subject().equals("upgrade-method")).map(UpgradeEvent::message))
                .satisfiesExactly(
                        rung2 -> assertThat(rung2).startsWith("pg-upgrade fallback: rung 2 (dump and restore from the"
                                + " old server started in this container) runs next, because pg_upgrade (copy)"
                                + " refused: Checking for presence of required libraries"),
                        rung3 -> assertThat(rung3).startsWith("pg-upgrade fallback: rung 3 (restore of the pre-upgrade"
                                + " dump) runs next, because rung 2 (dump and restore from the old server started in"
                                + " this container) failed: The old PostgreSQL 15 server did not start"));
        MethodRecord record = MethodRecord.readFrom(v.newData()).orElseThrow();
        assertThat(record.rung()).isEqualTo(3);
        assertThat(record.reason()).contains("did not start");
        assertThat(v.oldData().resolve("postmaster.pid")).as("no old server left running").doesNotExist();
    }

    @Test
    void withoutAPreUpgradeDumpTheAttemptEndsWithRungTwosReasonAndAnUntouchedTarget() throws Exception {
        Volume v = volume(false);
        try (TemporaryServer target = v.target()) {
            assertThatThrownBy(() -> new PgUpgradeFallback(v.tools()).afterRefusal(v.refusal(), v.old(), v.oldData(),
                    v.installation(), v.manifest(), target, v.work()))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.SERVER);
                        assertThat(e.getMessage()).contains("The old PostgreSQL 15 server did not start",
                                "FATAL: could not access file \"no_such_lib\"");
                    });
            try (var c = target.connect("postgres"); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'kept'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the target got nothing").isZero();
            }
        }
        assertThat(MethodRecord.readFrom(v.newData()).orElseThrow().rung()).isEqualTo(2);
    }

    /**
     * The carried-over copy altered on the volume after pre-upgrade published it: neither pg_upgrade
     * nor the old server can run from it, and the verified pre-upgrade dump restores instead (rung 3),
     * where before every start ended with the same verification error.
     */
    @Test
    void aCopyThatFailsVerificationLeavesRungThreeToThePreUpgradeDump() throws Exception {
        Volume v = volume(true);
        BackupManifest manifest = alteredCopy(v);
        PgUpgradeFormat format = new PgUpgradeFormat(v.tools(), v::newInstall, PgUpgradeMode.AUTO);
        format.verify(v.installation(), manifest);
        try (TemporaryServer target = v.target()) {
            format.restore(v.installation(), manifest, target);
            try (var c = target.connect("postgres"); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM kept")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(500);
            }
        }
        assertThat(events.stream().filter(e -> e.subject().equals("upgrade-method")).map(UpgradeEvent::message))
                .singleElement().satisfies(m -> assertThat(m).startsWith("pg-upgrade fallback: rung 3 (restore of the"
                        + " pre-upgrade dump) runs next, because the carried-over installation cannot be used: ")
                        .contains("root/bin/postgres"));
        assertThat(MethodRecord.readFrom(v.newData()).orElseThrow().rung()).isEqualTo(3);
    }

    @Test
    void aCopyThatFailsVerificationWithoutAPreUpgradeDumpStopsTheStartAsBefore() throws Exception {
        Volume v = volume(false);
        BackupManifest manifest = alteredCopy(v);
        PgUpgradeFormat format = new PgUpgradeFormat(v.tools(), v::newInstall, PgUpgradeMode.AUTO);
        assertThatThrownBy(() -> format.verify(v.installation(), manifest))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
                    assertThat(e.getMessage()).contains("root/bin/postgres");
                });
        assertThat(events).isEmpty();
    }

    /** A copy with one program, listed with its digest, then changed on the volume (same size). */
    private static BackupManifest alteredCopy(Volume v) throws Exception {
        Path program = Files.createDirectories(v.installation().resolve("root/bin")).resolve("postgres");
        Files.writeString(program, "#!/bin/sh\necho 15\n");
        List<BackupManifest.FileEntry> files = new java.util.ArrayList<>(List.of(new BackupManifest.FileEntry(
                "root/bin/postgres", Files.size(program), Checksums.sha256(program))));
        Path rollback = v.installation().resolve(RollbackDump.FILE);
        if (Files.exists(rollback)) {
            files.add(new BackupManifest.FileEntry(RollbackDump.FILE, Files.size(rollback), Checksums.sha256(rollback)));
        }
        files.sort(java.util.Comparator.comparing(BackupManifest.FileEntry::path));
        Files.writeString(program, "#!/bin/sh\necho 99\n");
        return new BackupManifest(files.stream().mapToLong(BackupManifest.FileEntry::size).sum(),
                FileDigests.listDigest(files), "15.18-1", "17.12-1", 150018, "pg_upgrade", SETTINGS, "pg-upgrade-1",
                files, 10L << 20, Optional.of(new OldCluster(v.oldData(), "15", "postgres")));
    }

    /** The volume of one case: a stopped old 15 cluster that does not start here, a fresh 17 target. */
    private record Volume(FormatTools tools, InstallationProbe old, Path oldData, Path installation,
                          BackupManifest manifest, Path newData, PostgresInstallation newInstall, Path work,
                          PgUpgradeFallback.Refusal refusal, ProcessRunner runner, ServerOwner owner) {
        TemporaryServer target() {
            return TemporaryServer.start(newInstall, new DataDirectory(newData), owner, SUPERUSER, runner,
                    Duration.ofMinutes(1));
        }
    }

    private Volume volume(boolean withPreUpgradeDump) throws Exception {
        Path volume = Files.createTempDirectory(enterable(tmp), "pgupgrade-fallback", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path backups = Files.createDirectories(volume.resolve("backup"));
        owner.chown(backups);
        PostgresInstallation oldInstall = installation(15);
        PostgresInstallation newInstall = installation(17);
        DataDirectory oldData = new DataDirectory(volume.resolve("15/docker"));
        new ClusterInitializer(oldInstall, runner, owner).initialize(oldData, SETTINGS, SUPERUSER, Optional.empty());
        String from = "15.18-1";
        String to = "17.12-1";
        Path installationCopy = backups.resolve("pg-upgrade-" + from + ".d");
        Files.createDirectories(installationCopy);
        try (TemporaryServer old = TemporaryServer.start(oldInstall, oldData, owner, SUPERUSER, runner,
                Duration.ofMinutes(1))) {
            try (var c = old.connect("postgres"); var s = c.createStatement()) {
                s.execute("CREATE TABLE kept AS SELECT g FROM generate_series(1, 500) g");
            }
            if (withPreUpgradeDump) {
                Path dump = backups.resolve("cluster-" + from + ".sql");
                runner.runChecked(Command.of(oldInstall.program("pg_dumpall").toString(), "-w", "-h",
                        old.socketDirectory().toString(), "-p", Integer.toString(old.port()), "-U", SUPERUSER, "-f",
                        dump.toString()).runAs(owner.name()).build(), ErrorCode.BACKUP_FAILED, "dump");
                new BackupManifest(Files.size(dump), Checksums.sha256(dump), from, to, 150018, oldInstall.version(),
                        SETTINGS).write(BackupManifest.pathFor(dump));
                // as pre-upgrade records link mode's rollback dump inside the installation copy
                Files.writeString(installationCopy.resolve(RollbackDump.FILE), "file=" + dump.getFileName()
                        + "\nsha256=" + Checksums.sha256(dump) + "\n");
            }
        }
        // A library the new image lacks: the old server refuses to start here, as pg_upgrade refused.
        Files.writeString(oldData.path().resolve("postgresql.conf"), "\nshared_preload_libraries = 'no_such_lib'\n",
                java.nio.file.StandardOpenOption.APPEND);
        DataDirectory newData = new DataDirectory(volume.resolve("17/docker"));
        new ClusterInitializer(newInstall, runner, owner).initialize(newData, SETTINGS, SUPERUSER, Optional.empty());
        FormatTools tools = new FormatTools(backups, new ClientTools(new Executables(newInstall.binDirectory()
                + ":/usr/bin:/bin"), runner), runner, owner, events::add, 1, () -> newInstall, PgUpgradeMode.AUTO,
                com.cloudogu.upgrade.core.PgUpgradeRollback.DUMP, Optional::empty);
        BackupManifest manifest = new BackupManifest(1, "00", from, to, 150018, "pg_upgrade", SETTINGS, "pg-upgrade-1",
                List.of(), 10L << 20, Optional.empty());
        return new Volume(tools, new InstallationProbe(oldInstall.binDirectory(), Optional.empty(), 15),
                oldData.path(), installationCopy, manifest, newData.path(), newInstall, backups.resolve("pg-upgrade-work"),
                new PgUpgradeFallback.Refusal(PgUpgradeMode.COPY, "Checking for presence of required libraries: Your"
                        + " installation references loadable libraries that are missing from the new installation.", false),
                runner, owner);
    }
}
