package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.backup.BackupRule;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.state.StateStoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaging: the executable jar merges the {@code META-INF/services} files of every module (a fat jar
 * that keeps only one of them loses migrations silently), and every module jar carries a module name
 * and comes with sources and Javadoc jars.
 */
class ShadedJarIT {

    private static final List<String> MODULES = List.of("upgrade-api", "upgrade-core", "upgrade-testkit",
            "migrations-builtin", "upgrade-cli");

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {Migration.class, StateStoreProvider.class, BackupRule.class})
    void theExecutableJarListsEveryProviderThatAnyModuleRegisters(Class<?> service) throws Exception {
        String resource = "META-INF/services/" + service.getName();
        List<String> registered = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources(resource))) {
            if (url.toString().contains("/com/cloudogu/doguupgrade/") || url.toString().contains("/target/classes/")
                    || url.toString().matches(".*/(upgrade-[a-z]+|migrations-builtin)-[0-9.]+\\.jar!.*")) {
                try (InputStream in = url.openStream()) {
                    registered.addAll(classNames(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        assertThat(registered).as("providers of %s registered by the modules", service.getSimpleName()).isNotEmpty();

        try (JarFile jar = new JarFile(CliProcess.defaultJar().toFile())) {
            ZipEntry merged = jar.getEntry(resource);
            assertThat(merged).as(resource + " in dogu-upgrade.jar").isNotNull();
            List<String> shaded = classNames(new String(jar.getInputStream(merged).readAllBytes(), StandardCharsets.UTF_8));
            assertThat(shaded).containsAll(registered).doesNotHaveDuplicates();
            for (String provider : shaded) {
                assertThat(jar.getEntry(provider.replace('.', '/') + ".class")).as(provider + " in the jar").isNotNull();
            }
        }
    }

    @Test
    void theExecutableJarNamesItsModuleAndMainClass() throws IOException {
        try (JarFile jar = new JarFile(CliProcess.defaultJar().toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("com.cloudogu.upgrade.cli.DoguUpgradeCli");
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("com.cloudogu.upgrade.cli");
        }
    }

    @Test
    void theVersionOptionPrintsTheProjectVersionFromTheJarManifest(@TempDir Path logs) throws Exception {
        String version = System.getProperty("dogu.upgrade.version");
        assertThat(version).as("dogu.upgrade.version, set by the POM").isNotBlank();
        try (JarFile jar = new JarFile(CliProcess.defaultJar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(version);
        }

        CliProcess.Result r = new CliProcess(CliProcess.defaultJar(), Map.of(), logs).run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("dogu-upgrade " + version);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upgrade-api", "upgrade-core", "upgrade-testkit", "migrations-builtin", "upgrade-cli"})
    void everyModuleJarHasAModuleNameAndSourcesAndJavadocJars(String module) throws IOException {
        assertThat(MODULES).contains(module);
        Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
        Path jar = target.resolve(module + "-0.1.0.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .as("Automatic-Module-Name of " + jar).startsWith("com.cloudogu.upgrade.");
        }
        assertThat(target.resolve(module + "-0.1.0-sources.jar")).isRegularFile();
        assertThat(target.resolve(module + "-0.1.0-javadoc.jar")).isRegularFile();
        try (JarFile javadoc = new JarFile(target.resolve(module + "-0.1.0-javadoc.jar").toFile())) {
            assertThat(javadoc.getEntry("index.html")).as("index.html in the Javadoc jar of " + module).isNotNull();
        }
        assertThat(Files.size(target.resolve(module + "-0.1.0-sources.jar"))).isPositive();
    }

    private static List<String> classNames(String servicesFile) {
        List<String> names = new ArrayList<>();
        for (String line : servicesFile.split("\n")) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }
}
