package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LibraryClosureTest {

    @Test
    void keysAreFileNamesEvenWhenLddPrintsTheLoaderAsAPathThatResolvesToItself() {
        // ldd of a program whose interpreter lies outside the standard place (a patched build, e.g.
        // bullseye's 13 carried to bookworm) prints the loader in the "=>" form with a path on the left
        LibraryClosure closure = new LibraryClosure().add("""
                \tlinux-vdso.so.1 (0x00007ffd5a3f2000)
                \tlibicuuc.so.67 => /opt/old/lib/libicuuc.so.67 (0x00007f1c2a000000)
                \tlibfoo.so.1 => not found
                \t/opt/old/lib/ld-2.31.so => /opt/old/lib/ld-2.31.so (0x00007f1c2b000000)
                \t/lib64/ld-linux-x86-64.so.2 (0x00007f1c2c000000)
                """);
        assertThat(closure.resolved()).containsOnlyKeys("libicuuc.so.67", "ld-2.31.so", "ld-linux-x86-64.so.2");
        assertThat(closure.resolved().get("ld-2.31.so")).isEqualTo(Path.of("/opt/old/lib/ld-2.31.so"));
        assertThat(closure.missing()).containsExactly("libfoo.so.1");
    }
}
