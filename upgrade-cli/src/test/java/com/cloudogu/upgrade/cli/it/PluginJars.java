package com.cloudogu.upgrade.cli.it;

import com.cloudogu.upgrade.api.migration.Migration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Plugin jars for the integration tests: the example plugin as built, and broken ones made at test time. */
final class PluginJars {

    static final String SERVICES_FILE = "META-INF/services/" + Migration.class.getName();

    private PluginJars() {
    }

    /**
     * @return the jar of examples/monitoring-role-plugin, built by the reactor before upgrade-cli
     *     (failsafe passes its path as {@code dogu.upgrade.examplePluginJar})
     */
    static Path examplePlugin() {
        String configured = System.getProperty("dogu.upgrade.examplePluginJar",
                "../examples/monitoring-role-plugin/target/monitoring-role-plugin-1.0.0.jar");
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The example plugin jar " + jar + " does not exist. Build it first:"
                    + " mvn -B -pl examples/monitoring-role-plugin -am install -DskipTests");
        }
        return jar;
    }

    /**
     * Lays out a plugin directory as an image would: owned by the current user, not writable by others.
     *
     * @param directory the directory to create
     * @param jars the jars to copy into it
     * @return the directory
     */
    static Path directory(Path directory, Path... jars) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path jar : jars) {
            Path copy = Files.copy(jar, directory.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return directory;
    }

    /**
     * @param jar the jar to write
     * @param providers class names to list in the services file; the classes themselves are not in the jar
     * @return the jar
     */
    static Path listingMissingClasses(Path jar, String... providers) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(SERVICES_FILE));
            out.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /**
     * Compiles one migration class against upgrade-api and packs it with its services entry.
     *
     * @param jar the jar to write
     * @param className the fully qualified class name
     * @param source its Java source
     * @return the jar
     */
    static Path compiled(Path jar, String className, String source) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent() == null ? Path.of(".") : createParent(jar), "src-");
        Path sourceFile = work.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("No Java compiler in this JVM (" + System.getProperty("java.home")
                    + "); the tests need a JDK");
        }
        int exit = compiler.run(null, null, null, "--release", "17", "-classpath",
                System.getProperty("java.class.path"), "-d", classes.toString(), sourceFile.toString());
        if (exit != 0) {
            throw new IllegalStateException("Compiling " + className + " failed (exit " + exit + ")");
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(SERVICES_FILE));
            write(out, List.of(className));
            out.closeEntry();
        }
        return jar;
    }

    private static Path createParent(Path jar) throws IOException {
        return Files.createDirectories(jar.getParent());
    }

    private static void write(OutputStream out, List<String> lines) throws IOException {
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
