package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.core.internal.server.ClusterSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunningClusterTest {

    @Test
    void aRowOfAFourteenServerHasTheLibcProvider() {
        RunningCluster.Facts f = RunningCluster.parse("123456|UTF8|C.UTF-8|C.UTF-8|off|140019|/var/lib/postgresql|16777216|c|");
        assertThat(f.sizeBytes()).isEqualTo(123456);
        assertThat(f.serverVersionNum()).isEqualTo(140019);
        assertThat(f.dataDirectory()).isEqualTo(Path.of("/var/lib/postgresql"));
        assertThat(f.settings()).isEqualTo(new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false, 16L << 20, "libc", ""));
    }

    @Test
    void anIcuClusterWithLargerSegmentsKeepsBoth() {
        RunningCluster.Facts f = RunningCluster.parse("1|UTF8|de_DE.UTF-8|de_DE.UTF-8|on|150010|/d|67108864|i|de-DE");
        assertThat(f.settings().initdbArguments(17)).contains("--data-checksums", "--wal-segsize=64",
                "--locale-provider=icu", "--icu-locale=de-DE");
    }

    @Test
    void aRowWithAnotherFieldCountIsRefusedWithTheRow() {
        assertThatThrownBy(() -> RunningCluster.parse("1|UTF8|C|C|on|150010|/d"))
                .hasMessageContaining("7 fields instead of 10").hasMessageContaining("1|UTF8|C|C|on|150010|/d");
    }
}
