package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.core.DiscoveredMigration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.LogCapture;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationRegistryTest {

    @TempDir
    Path dir;

    private final List<URLClassLoader> loaders = new ArrayList<>();

    @AfterEach
    void closeLoaders() throws IOException {
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }

    @Test
    void discoversAMigrationFromASeparateJarAndReportsThatJarAsItsSource() throws Exception {
        Path jar = PluginJar.create().migration("com.acme.Cleanup", "50-acme-cleanup")
                .build(dir.resolve("acme-migrations-1.0.jar"));
        ClassLoader loader = loaderOver(jar);

        List<DiscoveredMigration> found = MigrationRegistry.discover(loader).migrations();

        assertThat(found).hasSize(1);
        DiscoveredMigration cleanup = found.get(0);
        assertThat(cleanup.id()).isEqualTo("50-acme-cleanup");
        assertThat(cleanup.order()).isEqualTo(50);
        assertThat(cleanup.description()).isEqualTo("Does 50-acme-cleanup.");
        assertThat(cleanup.source()).isEqualTo("acme-migrations-1.0.jar");
        assertThat(cleanup.migration().getClass().getName()).isEqualTo("com.acme.Cleanup");
        assertThat(cleanup.migration().getClass().getClassLoader()).isSameAs(loader);
    }

    @Test
    void ordersByTheNumberThenTheIdAcrossJars() throws Exception {
        Path first = PluginJar.create().migration("a.Ten", "10-b").migration("a.TwoZ", "02-z")
                .build(dir.resolve("a.jar"));
        Path second = PluginJar.create().migration("b.Hundred", "100-c").migration("b.TwoA", "02-a")
                .migration("b.Nine", "009-nine").build(dir.resolve("b.jar"));

        List<DiscoveredMigration> found = MigrationRegistry.discover(loaderOver(first, second)).migrations();

        assertThat(found).extracting(DiscoveredMigration::id).containsExactly("02-a", "02-z", "009-nine", "10-b", "100-c");
        assertThat(found).extracting(DiscoveredMigration::order).containsExactly(2, 2, 9, 10, 100);
    }

    @Test
    void logsOneLineListingEveryMigrationAndItsJar() throws Exception {
        Path first = PluginJar.create().migration("a.Restore", "01-restore").build(dir.resolve("builtin-0.1.0.jar"));
        Path second = PluginJar.create().migration("b.Acme", "50-acme").build(dir.resolve("acme.jar"));

        try (LogCapture log = LogCapture.start()) {
            MigrationRegistry.discover(loaderOver(first, second));

            assertThat(log.text()).contains("Discovered 2 migrations: 01-restore (builtin-0.1.0.jar), 50-acme (acme.jar)");
        }
    }

    @Test
    void sameIdInTwoJarsIsAnErrorNamingBothClassesAndBothJars() throws Exception {
        Path first = PluginJar.create().migration("a.Extensions", "04-update-extensions").build(dir.resolve("a.jar"));
        Path second = PluginJar.create().migration("b.Extensions", "04-update-extensions").build(dir.resolve("b.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(first, second)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
                    assertThat(e.getMessage()).contains("'04-update-extensions'",
                            "a.Extensions from " + first, "b.Extensions from " + second);
                });
    }

    @Test
    void malformedIdIsAnErrorNamingTheIdTheClassTheJarAndAnExample() throws Exception {
        Path jar = PluginJar.create().migration("c.Bad", "4_Update_Extensions").build(dir.resolve("bad.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
                    assertThat(e.getMessage()).contains("c.Bad from " + jar, "'4_Update_Extensions'", "NN-name",
                            "e.g. 04-update-extensions");
                });
    }

    @Test
    void aMarkerNamedLikeTheDogusOwnStateIsRejectedBeforeAnythingRuns() throws Exception {
        Path jar = PluginJar.create().markedMigration("p.Steal", "60-steal", "password")
                .markedMigration("p.Clobber", "61-clobber", "local_state").build(dir.resolve("greedy.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
                    assertThat(e.getMessage()).contains("2 problems", "p.Steal from " + jar,
                            "marker 'password' is reserved", "p.Clobber", "marker 'local_state' is reserved",
                            "Change the marker the class returns");
                });
    }

    @Test
    void aMarkerThatIsNotAPlainKeyIsRejected() throws Exception {
        Path jar = PluginJar.create().markedMigration("p.Odd", "62-odd", "Done-Flag").build(dir.resolve("odd.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.getMessage())
                        .contains("p.Odd", "marker 'Done-Flag' is not a plain state key"));
    }

    @Test
    void aPlainMarkerOfItsOwnIsAccepted() throws Exception {
        Path jar = PluginJar.create().markedMigration("p.Fine", "63-fine", "fine_done").build(dir.resolve("fine.jar"));

        assertThat(MigrationRegistry.discover(loaderOver(jar)).migrations())
                .extracting(m -> m.migration().marker().orElseThrow()).containsExactly("fine_done");
    }

    @Test
    void idsThatAreNotNumberDashLowercaseWordsAreRejected() throws Exception {
        List<String> bad = List.of("4-one-digit", "04-", "04-Upper", "04--double", "04-trailing-", "04 space",
                "x04-letters", "04-under_score");
        PluginJar plugin = PluginJar.create();
        for (int i = 0; i < bad.size(); i++) {
            plugin.migration("d.Bad" + i, bad.get(i));
        }
        Path jar = plugin.build(dir.resolve("bad-ids.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .hasMessageStartingWith("Migration discovery found " + bad.size() + " problems:")
                .satisfies(e -> bad.forEach(id -> assertThat(e.getMessage()).contains("'" + id + "'")));
    }

    @Test
    void providerClassMissingFromItsJarIsAnErrorNamingTheClassAndTheJarThatListsIt() throws Exception {
        Path jar = PluginJar.create().listedOnly("e.Ghost").build(dir.resolve("broken.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
                    assertThat(e.getMessage()).contains("e.Ghost", "of " + jar, "the class is not there");
                });
    }

    @Test
    void constructorThatThrowsIsAnErrorNamingTheClassTheJarAndTheCause() throws Exception {
        Path jar = PluginJar.create()
                .migration("f.Exploding", "07-exploding", "throw new IllegalStateException(\"no config found\");")
                .build(dir.resolve("exploding.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .hasMessageContaining("f.Exploding")
                .hasMessageContaining("of " + jar)
                .hasMessageContaining("its constructor threw java.lang.IllegalStateException: no config found");
    }

    @Test
    void providerWhoseSuperclassIsMissingIsAnErrorNamingTheProviderAndItsJar() throws Exception {
        Path jar = PluginJar.create().migrationWithMissingSuperclass("k.Orphan", "09-orphan")
                .migration("k.Fine", "10-fine").build(dir.resolve("incomplete.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .hasMessageStartingWith("Migration discovery found 1 problem:")
                .hasMessageContaining("k.Orphan")
                .hasMessageContaining("of " + jar)
                .hasMessageContaining("k/MissingBase");
    }

    @Test
    void listedClassThatIsNotAMigrationIsAnErrorNamingIt() throws Exception {
        Path jar = PluginJar.create().listedNonMigration("g.Helper").build(dir.resolve("confused.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(jar)))
                .hasMessageContaining("g.Helper")
                .hasMessageContaining("of " + jar)
                .hasMessageContaining("does not implement com.cloudogu.upgrade.api.migration.Migration");
    }

    @Test
    void everyProblemIsReportedAtOnceNotJustTheFirst() throws Exception {
        Path first = PluginJar.create()
                .listedOnly("h.Ghost")
                .migration("h.Bad", "Bad")
                .migration("h.Dup", "05-dup")
                .migration("h.Fine", "06-fine")
                .build(dir.resolve("first.jar"));
        Path second = PluginJar.create()
                .migration("i.Dup", "05-dup")
                .migration("i.Exploding", "08-boom", "throw new RuntimeException(\"boom\");")
                .build(dir.resolve("second.jar"));

        assertThatThrownBy(() -> MigrationRegistry.discover(loaderOver(first, second)))
                .hasMessageStartingWith("Migration discovery found 4 problems:")
                .hasMessageContaining("h.Ghost")
                .hasMessageContaining("'Bad'")
                .hasMessageContaining("'05-dup'")
                .hasMessageContaining("i.Exploding")
                .hasMessageNotContaining("h.Fine");
    }

    @Test
    void noMigrationsAtAllIsAnEmptyRegistry() {
        assertThat(MigrationRegistry.discover(isolatedParent()).migrations()).isEmpty();
    }

    @Test
    void findLooksUpAMigrationById() throws Exception {
        Path jar = PluginJar.create().migration("j.One", "01-one").build(dir.resolve("j.jar"));

        MigrationRegistry registry = MigrationRegistry.discover(loaderOver(jar));

        assertThat(registry.find("01-one")).map(DiscoveredMigration::source).contains("j.jar");
        assertThat(registry.find("02-two")).isEmpty();
    }

    private ClassLoader loaderOver(Path... jars) throws Exception {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        URLClassLoader loader = new URLClassLoader(urls, isolatedParent());
        loaders.add(loader);
        return loader;
    }

    /**
     * The test class path's classes (so plugins share the upgrade-api types) without its services
     * files: the built-in migrations a test dependency brings must not mix into these scenarios.
     */
    static ClassLoader isolatedParent() {
        return new ClassLoader("without-services", MigrationRegistryTest.class.getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.startsWith("META-INF/services/") ? Collections.emptyEnumeration() : super.getResources(name);
            }
        };
    }
}
