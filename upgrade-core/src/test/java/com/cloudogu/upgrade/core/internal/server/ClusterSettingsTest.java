package com.cloudogu.upgrade.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

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
}
