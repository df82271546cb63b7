package com.cloudogu.upgrade.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private static final ClusterSettings WITHOUT = new ClusterSettings("UTF8", "de_DE.UTF-8", "de_DE.UTF-8", false);

    @Test
    void encodingAndLocaleAreAlwaysPassed() {
        assertThat(WITHOUT.initdbArguments(17)).containsExactly("--encoding=UTF8", "--lc-collate=de_DE.UTF-8",
                "--lc-ctype=de_DE.UTF-8");
    }

    @Test
    void checksumsOffAreStatedForEighteenWhoseInitdbTurnsThemOnByDefault() {
        assertThat(WITHOUT.initdbArguments(18)).endsWith("--no-data-checksums");
        assertThat(WITHOUT.initdbArguments(17)).doesNotContain("--no-data-checksums", "--data-checksums");
    }

    @Test
    void checksumsOnArePassedOnEveryMajor() {
        ClusterSettings with = new ClusterSettings("UTF8", "C", "C", true);
        assertThat(with.initdbArguments(13)).endsWith("--data-checksums");
        assertThat(with.initdbArguments(18)).endsWith("--data-checksums").doesNotContain("--no-data-checksums");
    }

    @Test
    void theManifestRoundTripKeepsEverySetting() {
        Properties p = new Properties();
        WITHOUT.writeTo(p);
        assertThat(ClusterSettings.readFrom(p)).isEqualTo(WITHOUT);
        assertThat(ClusterSettings.readFrom(new Properties())).isEqualTo(ClusterSettings.DEFAULT);
    }

    @Test
    void aRecordedWalSegmentSizeAndProviderArePassedSoThatPgUpgradeAcceptsThePair() {
        ClusterSettings icu = new ClusterSettings("UTF8", "de_DE.UTF-8", "de_DE.UTF-8", false, 64L << 20, "icu", "de-DE");
        assertThat(icu.initdbArguments(17)).contains("--wal-segsize=64", "--locale-provider=icu", "--icu-locale=de-DE");
        ClusterSettings builtin = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", true, 16L << 20, "builtin", "C.UTF-8");
        assertThat(builtin.initdbArguments(18)).contains("--wal-segsize=16", "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8");
        assertThat(WITHOUT.initdbArguments(17)).noneMatch(a -> a.startsWith("--wal-segsize") || a.startsWith("--locale-provider"));
    }

    @Test
    void theRoundTripKeepsSegmentSizeAndProvider() {
        ClusterSettings icu = new ClusterSettings("UTF8", "C", "C", false, 32L << 20, "icu", "und");
        Properties p = new Properties();
        icu.writeTo(p);
        assertThat(ClusterSettings.readFrom(p)).isEqualTo(icu);
    }

    @Test
    void aGarbledSegmentSizeOrProviderIsNamed() {
        Properties p = new Properties();
        p.setProperty("cluster.walSegmentBytes", "3000000");
        assertThatThrownBy(() -> ClusterSettings.readFrom(p)).hasMessageContaining("cluster.walSegmentBytes")
                .hasMessageContaining("3000000");
        p.setProperty("cluster.walSegmentBytes", "x");
        assertThatThrownBy(() -> ClusterSettings.readFrom(p)).hasMessageContaining("'x'");
        p.remove("cluster.walSegmentBytes");
        p.setProperty("cluster.localeProvider", "glibc");
        assertThatThrownBy(() -> ClusterSettings.readFrom(p)).hasMessageContaining("cluster.localeProvider")
                .hasMessageContaining("glibc");
    }

    @Test
    void providerLettersOfPgDatabaseAreNamedAsInitdbSpellsThem() {
        assertThat(ClusterSettings.providerName("c")).isEqualTo("libc");
        assertThat(ClusterSettings.providerName("i")).isEqualTo("icu");
        assertThat(ClusterSettings.providerName("b")).isEqualTo("builtin");
    }
}
