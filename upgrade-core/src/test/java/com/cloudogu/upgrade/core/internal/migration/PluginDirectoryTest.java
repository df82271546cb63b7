package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.core.DiscoveredMigration;
import com.cloudogu.upgrade.core.PluginDirectory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.UserSwitch;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDirectoryTest {

    @TempDir
    Path temp;

    private Path plugins;

    @BeforeEach
    void createPluginDirectory() throws Exception {
        plugins = Files.createDirectory(temp.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void loadsEveryJarOfTheDirectorySortedByNameAndIgnoresOtherFiles() throws Exception {
        PluginJar.create().migration("z.Zeta", "20-zeta").build(plugins.resolve("zeta.jar"));
        PluginJar.create().migration("a.Alpha", "30-alpha").build(plugins.resolve("alpha.jar"));
        Files.writeString(plugins.resolve("README.txt"), "not a plugin");
        Files.createDirectory(plugins.resolve("old.jar"));
        restrict(plugins.resolve("zeta.jar"), plugins.resolve("alpha.jar"));

        try (URLClassLoader loader = PluginDirectory.open(plugins, MigrationRegistryTest.isolatedParent())) {
            assertThat(Arrays.stream(loader.getURLs()).map(u -> Path.of(u.getPath()).getFileName().toString()))
                    .containsExactly("alpha.jar", "zeta.jar");
            assertThat(MigrationRegistry.discover(loader).migrations())
                    .extracting(DiscoveredMigration::toString)
                    .containsExactly("20-zeta (zeta.jar)", "30-alpha (alpha.jar)");
        }
    }

    @Test
    void defaultParentIsTheLoaderOfDogUpgradeItself() throws Exception {
        try (URLClassLoader loader = PluginDirectory.open(plugins)) {
            assertThat(loader.getParent()).isSameAs(PluginDirectory.class.getClassLoader());
            assertThat(loader.getURLs()).isEmpty();
        }
    }

    @Test
    void missingDirectoryIsAUsageErrorNamingIt() {
        Path missing = temp.resolve("no-plugins-here");

        assertThatThrownBy(() -> PluginDirectory.open(missing))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains(missing.toString(), "does not exist");
                });
    }

    @Test
    void worldWritableDirectoryIsRefused() throws Exception {
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> PluginDirectory.open(plugins))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
                    assertThat(e.getMessage()).contains("plugin directory " + plugins, "writable by group or others",
                            "chmod go-w " + plugins);
                });
    }

    @Test
    void groupWritableJarIsRefused() throws Exception {
        Path jar = PluginJar.create().migration("b.Beta", "40-beta").build(plugins.resolve("beta.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));

        assertThatThrownBy(() -> PluginDirectory.open(plugins))
                .isInstanceOfSatisfying(UpgradeException.class, e ->
                        assertThat(e.getMessage()).contains("plugin jar " + jar, "writable by group or others"));
    }

    @Test
    void jarOwnedByAnotherUserIsRefused() throws Exception {
        assumeTrue(UserSwitch.isRoot(), "giving a file away needs root; CI runs as root");
        Path jar = PluginJar.create().migration("c.Gamma", "50-gamma").build(plugins.resolve("gamma.jar"));
        restrict(jar);
        Files.setOwner(jar, jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));

        assertThatThrownBy(() -> PluginDirectory.open(plugins))
                .isInstanceOfSatisfying(UpgradeException.class, e ->
                        assertThat(e.getMessage()).contains("plugin jar " + jar, "belongs to 'postgres'"));
    }

    private static void restrict(Path... files) throws Exception {
        for (Path file : files) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
