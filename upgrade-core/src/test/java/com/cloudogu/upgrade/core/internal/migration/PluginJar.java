package com.cloudogu.upgrade.core.internal.migration;

import com.cloudogu.upgrade.api.migration.Migration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar the way a third party would: Java sources compiled against the upgrade-api
 * classes with the system Java compiler, a {@code META-INF/services} file, packaged with
 * {@code java.util.jar}.
 */
final class PluginJar {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> servicesLines = new ArrayList<>();
    private final List<String> leftOut = new ArrayList<>();

    static PluginJar create() {
        return new PluginJar();
    }

    /** Adds and lists a migration class {@code className} with this id whose constructor runs {@code constructorBody}. */
    PluginJar migration(String className, String id, String constructorBody) {
        int dot = className.lastIndexOf('.');
        String pkg = className.substring(0, dot);
        String simple = className.substring(dot + 1);
        sources.put(className, "package " + pkg + ";\n"
                + "public class " + simple + " implements " + Migration.class.getName() + " {\n"
                + "  public " + simple + "() { " + constructorBody + " }\n"
                + "  @Override public String id() { return \"" + id + "\"; }\n"
                + "  @Override public String description() { return \"Does " + id + ".\"; }\n"
                + "  @Override public void migrate(com.cloudogu.upgrade.api.migration.MigrationContext c) { }\n"
                + "}\n");
        servicesLines.add(className);
        return this;
    }

    PluginJar migration(String className, String id) {
        return migration(className, id, "");
    }

    /** Adds and lists a migration whose {@code marker()} returns {@code marker}. */
    PluginJar markedMigration(String className, String id, String marker) {
        migration(className, id, "");
        String source = sources.get(className);
        sources.put(className, source.replace("  @Override public void migrate(",
                "  @Override public java.util.Optional<String> marker() { return java.util.Optional.of(\"" + marker
                        + "\"); }\n  @Override public void migrate("));
        return this;
    }

    /** Adds a class (not a Migration) and lists it anyway. */
    PluginJar listedNonMigration(String className) {
        int dot = className.lastIndexOf('.');
        sources.put(className, "package " + className.substring(0, dot) + ";\npublic class "
                + className.substring(dot + 1) + " { }\n");
        servicesLines.add(className);
        return this;
    }

    /**
     * Adds a migration whose superclass is compiled but left out of the jar, so loading it fails
     * with a {@link LinkageError} rather than a plain "not found".
     */
    PluginJar migrationWithMissingSuperclass(String className, String id) {
        int dot = className.lastIndexOf('.');
        String pkg = className.substring(0, dot);
        String simple = className.substring(dot + 1);
        sources.put(pkg + ".MissingBase", "package " + pkg + ";\n"
                + "public abstract class MissingBase implements " + Migration.class.getName() + " {\n"
                + "  @Override public void migrate(com.cloudogu.upgrade.api.migration.MigrationContext c) { }\n"
                + "}\n");
        sources.put(className, "package " + pkg + ";\n"
                + "public class " + simple + " extends MissingBase {\n"
                + "  @Override public String id() { return \"" + id + "\"; }\n"
                + "  @Override public String description() { return \"Does " + id + ".\"; }\n"
                + "}\n");
        leftOut.add(pkg.replace('.', '/') + "/MissingBase.class");
        servicesLines.add(className);
        return this;
    }

    /** Lists a class in the services file without putting it into the jar. */
    PluginJar listedOnly(String className) {
        servicesLines.add(className);
        return this;
    }

    /** Compiles and packages the jar. */
    Path build(Path jar) throws IOException {
        Path work = Files.createTempDirectory("plugin-build-");
        try {
            return build(jar, work);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private Path build(Path jar, Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file.toString());
        }
        if (!files.isEmpty()) {
            compile(files, classes);
        }
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("META-INF/services/" + Migration.class.getName()));
            zip.write(("# migrations of this plugin\n" + String.join("\n", servicesLines) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            try (Stream<Path> compiled = Files.walk(classes)) {
                for (Path file : compiled.filter(Files::isRegularFile).sorted().toList()) {
                    String name = classes.relativize(file).toString().replace('\\', '/');
                    if (leftOut.contains(name)) {
                        continue;
                    }
                    zip.putNextEntry(new JarEntry(name));
                    zip.write(Files.readAllBytes(file));
                    zip.closeEntry();
                }
            }
        }
        return jar;
    }

    private static void compile(List<String> files, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", apiClassPath(),
                "--release", "17", "-proc:none"));
        args.addAll(files);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, args.toArray(String[]::new));
        if (status != 0) {
            throw new IOException("compiling the test plugin failed: " + errors.toString(StandardCharsets.UTF_8));
        }
    }

    private static String apiClassPath() {
        try {
            return Path.of(Migration.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
