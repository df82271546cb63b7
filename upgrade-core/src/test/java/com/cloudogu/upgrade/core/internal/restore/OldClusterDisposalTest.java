package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.backup.BackupDirectory;
import com.cloudogu.upgrade.core.internal.layout.ClusterRelation;
import com.cloudogu.upgrade.core.internal.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OldClusterDisposalTest {

    @TempDir
    Path volume;

    private static final List<String> CLUSTER = List.of("PG_VERSION", "base/1/1259", "global/pg_control",
            "pg_wal/000000010000000000000001", "postgresql.conf", "pg_hba.conf");

    @Test
    void nothingIsRemovedWithoutTheJournalOfACompletedRestore() throws Exception {
        Path backupDir = backup();
        cluster(volume.resolve("14/docker"), "14");
        DataDirectory pgdata = new DataDirectory(cluster(volume.resolve("17/docker"), "17"));
        assertThat(new OldClusterDisposal(backupDir).carryOut(pgdata)).isFalse();
        assertThat(volume.resolve("14/docker/PG_VERSION")).exists();
        assertThat(backupDir.resolve("cluster-14.19-1.sql")).exists();
    }

    @Test
    void theAncestorLosesExactlyItsClusterEntriesNeverTheBackupOrTheNewMajor() throws Exception {
        Path backupDir = backup();
        cluster(volume, "14");
        Files.writeString(volume.resolve("operator-notes.txt"), "mine");
        DataDirectory pgdata = new DataDirectory(cluster(volume.resolve("17/docker"), "17"));
        // A journal of an earlier version names no backup: every format removes its own.
        OldClusterDisposal disposal = new OldClusterDisposal(backupDir,
                dir -> BackupDirectory.removePublished(dir, "cluster-*.sql"));
        disposal.record(new OldClusterDisposal.Plan(volume, "14", ClusterRelation.ANCESTOR, false, false));

        assertThat(disposal.carryOut(pgdata)).isTrue();

        assertThat(top(volume)).containsExactlyInAnyOrder("17", "backup", "operator-notes.txt");
        assertThat(top(backupDir)).as("backup and journal removed").isEmpty();
        assertThat(volume.resolve("17/docker/base/1/1259")).exists();
        assertThat(disposal.carryOut(pgdata)).as("done once").isFalse();
    }

    @Test
    void onlyTheBackupTheRestoreWasFedFromIsRemovedNotOneKeptAfterAnAbortedUpgrade() throws Exception {
        Path backupDir = backup();
        Path fed = backupDir.resolve("cluster-14.19-1.sql");
        Path kept = Files.writeString(backupDir.resolve("cluster-12.22-1.sql"), "kept after abort");
        Files.writeString(backupDir.resolve("cluster-12.22-1.sql.manifest"), "{}");
        Path keptParallel = Files.createDirectories(backupDir.resolve("cluster-13.20-1.d"));
        cluster(volume.resolve("14/docker"), "14");
        DataDirectory pgdata = new DataDirectory(cluster(volume.resolve("17/docker"), "17"));
        OldClusterDisposal disposal = new OldClusterDisposal(backupDir);
        disposal.record(new OldClusterDisposal.Plan(volume.resolve("14/docker"), "14", ClusterRelation.SIBLING, false,
                false, java.util.Optional.of(fed)));

        assertThat(disposal.carryOut(pgdata)).isTrue();

        assertThat(fed).doesNotExist();
        assertThat(backupDir.resolve("cluster-14.19-1.sql.manifest")).doesNotExist();
        assertThat(kept).exists();
        assertThat(backupDir.resolve("cluster-12.22-1.sql.manifest")).exists();
        assertThat(keptParallel).exists();
    }

    @Test
    void aSiblingIsRemovedWithItsEmptyMajorDirectoryOrKeptUnderItsName() throws Exception {
        Path backupDir = backup();
        cluster(volume.resolve("14/docker"), "14");
        DataDirectory pgdata = new DataDirectory(cluster(volume.resolve("17/docker"), "17"));
        OldClusterDisposal disposal = new OldClusterDisposal(backupDir);
        disposal.record(new OldClusterDisposal.Plan(volume.resolve("14/docker"), "14", ClusterRelation.SIBLING, true,
                true));
        disposal.carryOut(pgdata);
        assertThat(volume.resolve("14/docker.previous-14/PG_VERSION")).exists();
        assertThat(backupDir.resolve("cluster-14.19-1.sql")).as("kept").exists();

        cluster(volume.resolve("12/docker"), "12");
        disposal.record(new OldClusterDisposal.Plan(volume.resolve("12/docker"), "12", ClusterRelation.SIBLING, false,
                false));
        disposal.carryOut(pgdata);
        assertThat(volume.resolve("12")).doesNotExist();
        assertThat(volume.resolve("14/docker.previous-14/PG_VERSION")).as("an earlier kept cluster stays").exists();
    }

    @Test
    void aPgdataThatIsStillARestoreTargetStopsEverything() throws Exception {
        Path backupDir = backup();
        cluster(volume.resolve("14/docker"), "14");
        Path target = cluster(volume.resolve("17/docker"), "17");
        Files.writeString(target.resolve(DataDirectory.RESTORE_TARGET_MARKER), "");
        OldClusterDisposal disposal = new OldClusterDisposal(backupDir);
        disposal.record(new OldClusterDisposal.Plan(volume.resolve("14/docker"), "14", ClusterRelation.SIBLING, false,
                false));
        assertThat(disposal.carryOut(new DataDirectory(target))).isFalse();
        assertThat(volume.resolve("14/docker/PG_VERSION")).exists();
        assertThat(backupDir.resolve("cluster-14.19-1.sql")).exists();
    }

    @Test
    void anOldImageRunningOnTheRecordedPathNeverRemovesItsOwnCluster() throws Exception {
        Path backupDir = backup();
        Path old = cluster(volume.resolve("14/docker"), "14");
        OldClusterDisposal disposal = new OldClusterDisposal(backupDir);
        disposal.record(new OldClusterDisposal.Plan(old, "14", ClusterRelation.SIBLING, false, false));
        assertThat(disposal.carryOut(new DataDirectory(old))).isFalse();
        assertThat(old.resolve("PG_VERSION")).exists();
        assertThat(backupDir.resolve(OldClusterDisposal.JOURNAL)).as("the stale journal is dropped").doesNotExist();
    }

    private Path backup() throws IOException {
        Path dir = Files.createDirectories(volume.resolve("backup"));
        Files.writeString(dir.resolve("cluster-14.19-1.sql"), "-- dump");
        Files.writeString(dir.resolve("cluster-14.19-1.sql.manifest"), "size=7");
        return dir;
    }

    private static Path cluster(Path dir, String major) throws IOException {
        for (String f : CLUSTER) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.equals("PG_VERSION") ? major + "\n" : "x");
        }
        return dir;
    }

    private static List<String> top(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
