package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MethodRecordTest {

    @Test
    void aRecordSurvivesInTheDataDirectoryAndReadsBackTheSame(@TempDir Path data) throws Exception {
        MethodRecord r = new MethodRecord("pg-upgrade", 2, "copy", "dump and restore from the old server started in"
                + " this container", "pg_upgrade --check (copy) refused: Checking for reg* data types in user tables",
                "15.18-1", "17.12-1");
        r.writeTo(data);
        assertThat(MethodRecord.readFrom(data)).contains(r);
        assertThat(data.resolve(MethodRecord.FILE + ".partial")).doesNotExist();
        assertThat(r.line()).isEqualTo("pg-upgrade, rung 2 (dump and restore from the old server started in this"
                + " container, pg_upgrade checked in mode copy): pg_upgrade --check (copy) refused: Checking for reg*"
                + " data types in user tables");
    }

    @Test
    void aLaterRecordReplacesTheEarlierOne(@TempDir Path data) throws Exception {
        new MethodRecord("pg-upgrade", 1, "copy", "pg_upgrade", "room for a copy", "a", "b").writeTo(data);
        MethodRecord later = new MethodRecord("pg-upgrade", 3, "copy", "restore of the pre-upgrade dump", "rung 2"
                + " failed", "a", "b");
        later.writeTo(data);
        assertThat(MethodRecord.readFrom(data)).contains(later);
    }

    @Test
    void noFileOrAGarbledOneIsNoRecord(@TempDir Path data) throws Exception {
        assertThat(MethodRecord.readFrom(data)).isEmpty();
        Files.writeString(data.resolve(MethodRecord.FILE), "rung=two\n");
        assertThat(MethodRecord.readFrom(data)).isEmpty();
    }

    @Test
    void aDumpBackupRecordsTheDumpMethodWithItsFormat() {
        BackupManifest plain = new BackupManifest(1, "00", "14.19-1", "17.6-0", 140019, "15.18",
                ClusterSettings.readFrom(new java.util.Properties()));
        MethodRecord r = MethodRecord.forBackup(plain);
        assertThat(r.method()).isEqualTo("dump");
        assertThat(r.rung()).isZero();
        assertThat(r.line()).isEqualTo("dump (plain backup (pg_dumpall, psql)): pre-upgrade wrote a plain backup");
        BackupManifest installation = new BackupManifest(1, "00", "15.18-1", "17.12-1", 150018, "pg_upgrade",
                plain.cluster(), "pg-upgrade-1", List.of(), 0, Optional.empty());
        assertThat(MethodRecord.forBackup(installation).method()).isEqualTo("pg-upgrade");
    }
}
