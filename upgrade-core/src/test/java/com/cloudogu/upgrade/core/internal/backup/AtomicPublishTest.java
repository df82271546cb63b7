package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's final name shows a complete backup with its manifest or nothing: what a crash before the
 * rename leaves carries only {@code .partial} names, which the next attempt removes.
 */
class AtomicPublishTest {

    private static final ServerOwner OWNER = new ServerOwner("postgres", false);

    @TempDir
    Path dir;

    @Test
    void theFinalNameAppearsOnlyWithTheManifestAndNoPartialIsLeft() throws IOException {
        Path target = dir.resolve("cluster-14.19-1.sql");
        AtomicPublish publish = new AtomicPublish(target, OWNER);
        Files.writeString(publish.partial(), "dump");

        assertThat(target).as("not visible while written").doesNotExist();
        publish.publish(manifest(4));

        assertThat(target).hasContent("dump");
        assertThat(BackupManifest.readFor(target).size()).isEqualTo(4);
        assertThat(names()).containsExactlyInAnyOrder("cluster-14.19-1.sql", "cluster-14.19-1.sql.manifest");
    }

    @Test
    void aCrashBeforeTheRenameLeavesOnlyPartialNamesWhichTheNextAttemptRemoves() throws IOException {
        Path target = dir.resolve("cluster-14.19-1.sql");
        AtomicPublish publish = new AtomicPublish(target, OWNER, () -> {
            throw new Killed();
        });
        Files.writeString(publish.partial(), "dump");

        assertThat(catchThrowable(() -> publish.publish(manifest(4)))).isInstanceOf(Killed.class);

        assertThat(target).doesNotExist();
        assertThat(BackupManifest.pathFor(target)).doesNotExist();
        assertThat(names()).hasSize(2).allSatisfy(n -> assertThat(n).startsWith("cluster-14.19-1.sql").endsWith(".partial"));
        new BackupDirectory(dir, OWNER).prepare();
        assertThat(names()).isEmpty();
    }

    @Test
    void aCrashBeforeTheRenameKeepsAnOlderBackupOfTheSameNameWholeWithItsManifest() throws IOException {
        Path target = dir.resolve("cluster-14.19-1.d");
        publishDirectory(target, "old", () -> { });

        assertThat(catchThrowable(() -> publishDirectory(target, "new", () -> {
            throw new Killed();
        }))).isInstanceOf(Killed.class);

        assertThat(target.resolve("globals.sql")).hasContent("old");
        assertThat(BackupManifest.readFor(target).sha256()).isEqualTo("old");
    }

    @Test
    void aDirectoryReplacesAnOlderOneOfTheSameName() throws IOException {
        Path target = dir.resolve("cluster-14.19-1.d");
        publishDirectory(target, "old", () -> { });

        publishDirectory(target, "new", () -> { });

        assertThat(target.resolve("globals.sql")).hasContent("new");
        assertThat(BackupManifest.readFor(target).sha256()).isEqualTo("new");
        assertThat(names()).containsExactlyInAnyOrder("cluster-14.19-1.d", "cluster-14.19-1.d.manifest");
    }

    private void publishDirectory(Path target, String content, Runnable beforeRename) throws IOException {
        AtomicPublish publish = new AtomicPublish(target, OWNER, beforeRename);
        Files.createDirectory(publish.partial());
        Files.writeString(publish.partial().resolve("globals.sql"), content);
        publish.publish(new BackupManifest(content.length(), content, "14.19-1", "17.6-0", 141900, "17.6",
                ClusterSettings.DEFAULT, BackupManifest.FORMAT_PARALLEL,
                List.of(new BackupManifest.FileEntry("globals.sql", content.length(), content)), 0,
                Optional.empty()));
    }

    private static BackupManifest manifest(long size) {
        return new BackupManifest(size, "sha", "14.19-1", "17.6-0", 141900, "17.6", ClusterSettings.DEFAULT);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Stands for the process being killed at that point. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
