package com.cloudogu.upgrade.core.internal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** psql's zero-byte-separated output and the \connect lines are read and written exactly. */
class RunningClusterCatalogTest {

    @Test
    void fieldsKeepBarsQuotesAndLineBreaksInsideAValue() {
        assertThat(RunningClusterCatalog.fields("a|b\0line\nbreak\0\"q\"\0")).containsExactly("a|b", "line\nbreak", "\"q\"");
        assertThat(RunningClusterCatalog.fields("")).isEmpty();
    }

    @Test
    void outputThatDoesNotEndWithASeparatorIsRefused() {
        assertThatThrownBy(() -> RunningClusterCatalog.fields("a\0half")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("does not end with a record separator");
    }

    @Test
    void connectLinesQuoteLikePgDumpallAndPassNameBytesUnchanged() {
        assertThat(new String(RunningClusterCatalog.connectLine("it's \"x\" \\".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("\\connect -reuse-previous=on \"dbname='it\\'s \"\"x\"\" \\\\'\"\n");
        byte[] latin1 = {'b', (byte) 0xE4, 'r'};
        byte[] line = RunningClusterCatalog.connectLine(latin1);
        assertThat(line).containsSubsequence((byte) 'b', (byte) 0xE4, (byte) 'r');
    }

    @Test
    void majorsFollowTheDoguVersionConvention() {
        assertThat(CompatibilityChecker.majorOf(141900)).isEqualTo(1400);
        assertThat(CompatibilityChecker.majorOf(180000)).isEqualTo(1800);
        assertThat(CompatibilityChecker.majorOf(90624)).isEqualTo(906);
    }
}
