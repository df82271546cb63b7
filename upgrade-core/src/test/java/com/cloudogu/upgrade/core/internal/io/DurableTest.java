package com.cloudogu.upgrade.core.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Syncing many files at once reports the first file that cannot be synced, as syncing one by one does. */
class DurableTest {

    @TempDir
    Path dir;

    @Test
    void manyFilesAreSyncedAndAMissingOneIsReported() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            files.add(Files.writeString(dir.resolve("f" + i), "content " + i));
        }
        Durable.syncFiles(files);

        files.add(20, dir.resolve("gone"));
        Throwable e = catchThrowable(() -> Durable.syncFiles(files));

        assertThat(e).isInstanceOf(NoSuchFileException.class).hasMessageContaining("gone");
    }

    @Test
    void noneOrOneFileNeedsNoThreads() throws Exception {
        Durable.syncFiles(List.of());
        Durable.syncFiles(List.of(Files.writeString(dir.resolve("one"), "1")));
        assertThat(catchThrowable(() -> Durable.syncFiles(List.of(dir.resolve("none")))))
                .isInstanceOf(NoSuchFileException.class);
    }
}
