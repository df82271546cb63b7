package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowingFileDigestTest {

    @Test
    void theDigestTakenWhileTheFileGrewEqualsTheDigestOfTheFinishedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dump.sql.partial");
        GrowingFileDigest digest = GrowingFileDigest.follow(file);
        Thread.sleep(30); // the file does not exist yet when following starts
        byte[] chunk = new byte[100_000];
        Random random = new Random(7);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 40; i++) {
                random.nextBytes(chunk);
                out.write(chunk, 0, 1 + random.nextInt(chunk.length));
                out.flush();
                if (i % 8 == 0) {
                    Thread.sleep(25);
                }
            }
        }

        assertThat(digest.finish()).contains(Checksums.sha256(file));
    }

    @Test
    void aFileThatIsNotWhatWasReadGivesNoDigest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dump.sql.partial");
        Files.write(file, new byte[50_000]);
        GrowingFileDigest digest = GrowingFileDigest.follow(file);
        Thread.sleep(100);
        Files.write(file, new byte[10]); // rewritten shorter: what was hashed is gone

        assertThat(digest.finish()).isEmpty();
    }

    @Test
    void noFileGivesNoDigest(@TempDir Path dir) throws Exception {
        assertThat(GrowingFileDigest.follow(dir.resolve("never-written")).finish()).isEmpty();
    }
}
