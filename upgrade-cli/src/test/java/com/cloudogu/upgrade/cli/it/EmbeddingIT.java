package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.DoguUpgrade;
import com.cloudogu.upgrade.core.PluginDirectory;
import com.cloudogu.upgrade.core.UpgradeSettings;
import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding the library" example, compiled and run: a Java tool runs post-upgrade in
 * its own process with its own state store, its own listener and the plugins directory.
 */
class EmbeddingIT {

    @TempDir
    Path root;

    /** The README's example, word for word between the markers. */
    static void postUpgrade(UpgradeSettings settings, StateStore myStateStore, UpgradeListener progress,
                            Path pluginDirectory) throws Exception {
        // --- README: Embedding the library ---
        try (URLClassLoader plugins = PluginDirectory.open(pluginDirectory)) {
            DoguUpgrade upgrade = DoguUpgrade.builder()
                    .settings(settings)             // PGDATA, lock file, timeouts, PATH
                    .stateStore(myStateStore)       // any StateStore: doguctl, a file, your tool's own
                    .listener(progress)             // phase and migration events with durations
                    .classLoader(plugins)           // built-ins plus the plugins' migrations
                    .build();
            upgrade.postUpgrade(DoguVersion.parse("14.10-1"), DoguVersion.parse("14.15-1"));
        }
        // --- end ---
    }

    @Test
    void aToolRunsPostUpgradeInProcessWithItsOwnStateStoreListenerAndPlugins() throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = root.resolve("data");
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14_BEFORE_STATS_FIX).dataDirectory(data).start()) {
            old.execute("postgres", "CREATE DATABASE shop");
        }
        UpgradeSettings settings = UpgradeSettings.builder()
                .dataDirectory(data)
                .lockFile(root.resolve("dogu-upgrade.lock"))
                .path(PostgresBinaries.of(PostgresVersions.V14_AFTER_FIXES).bin() + ":"
                        + ClientTools.locate().directory() + ":/usr/sbin:/usr/bin:/sbin:/bin")
                .build();
        InMemoryStateStore state = new InMemoryStateStore();
        List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
        Path plugins = PluginJars.directory(root.resolve("plugins"), PluginJars.examplePlugin());

        postUpgrade(settings, state, events::add, plugins);

        assertThat(state.get("restricted_stat_visibility")).contains("true");
        assertThat(state.get("monitoring_role_granted")).contains("true");
        assertThat(events.get(0).type()).isEqualTo(UpgradeEvent.Type.PHASE_STARTED);
        assertThat(events.get(0).subject()).isEqualTo("post-upgrade");
        UpgradeEvent last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo(UpgradeEvent.Type.PHASE_FINISHED);
        assertThat(last.duration()).isPositive();
        assertThat(events).filteredOn(e -> e.subject().equals("04-grant-monitoring-role"))
                .extracting(UpgradeEvent::type)
                .containsExactly(UpgradeEvent.Type.MIGRATION_STARTED, UpgradeEvent.Type.MIGRATION_FINISHED);
        assertThat(events).filteredOn(e -> e.type() == UpgradeEvent.Type.MIGRATION_FINISHED)
                .allSatisfy(e -> assertThat(e.duration()).isPositive());
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
    }
}
