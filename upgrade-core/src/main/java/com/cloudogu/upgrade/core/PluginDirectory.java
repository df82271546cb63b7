package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of plugin jars (third-party migrations and other providers): every {@code *.jar}
 * directly in it, sorted by file name, loaded by one {@link URLClassLoader}.
 *
 * <p>dogu-upgrade usually runs as root, so whoever can write to this directory or a jar in it can
 * run code as root. The directory and every jar must therefore not be writable by group or others
 * and must belong to root or the user running dogu-upgrade; otherwise nothing is loaded.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class PluginDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);

    private PluginDirectory() {
    }

    /**
     * Opens a class loader over the jars of a directory whose parent is the loader of dogu-upgrade
     * itself (the application class loader), so plugins see the same {@code upgrade-api} classes.
     *
     * @param directory the plugin directory
     * @return a class loader over its jars; close it when done
     * @throws UpgradeException with {@link ErrorCode#USAGE} if the directory does not exist, or
     *     {@link ErrorCode#MIGRATION_DISCOVERY} if it or a jar in it is writable by others
     */
    public static URLClassLoader open(Path directory) {
        return open(directory, PluginDirectory.class.getClassLoader());
    }

    /**
     * @param directory the plugin directory
     * @param parent the parent class loader
     * @return a class loader over its jars; close it when done
     * @throws UpgradeException as for {@link #open(Path)}
     */
    public static URLClassLoader open(Path directory, ClassLoader parent) {
        List<Path> jars = jars(directory);
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Cannot load plugin jar " + jars.get(i)
                        + ": " + e.getMessage(), e);
            }
        }
        LOG.info("Loading {} plugin {} from {}{}", jars.size(), jars.size() == 1 ? "jar" : "jars", directory,
                jars.isEmpty() ? "" : ": " + String.join(", ", jars.stream().map(j -> j.getFileName().toString()).toList()));
        return new URLClassLoader("dogu-upgrade plugins " + directory, urls, parent);
    }

    /**
     * Lists and checks the jars of a plugin directory.
     *
     * @param directory the plugin directory
     * @return every {@code *.jar} file directly in it, sorted by name
     * @throws UpgradeException as for {@link #open(Path)}
     */
    public static List<Path> jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new UpgradeException(ErrorCode.USAGE, "The plugin directory " + directory + " does not exist or is"
                    + " not a directory. Create it or point the plugin directory setting at an existing one.");
        }
        checkNotWritableByOthers(directory, "plugin directory");
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(jars::add);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.USAGE, "Cannot list the plugin directory " + directory + ": " + e
                    + ".", e);
        }
        jars.forEach(jar -> checkNotWritableByOthers(jar, "plugin jar"));
        return jars;
    }

    private static void checkNotWritableByOthers(Path path, String what) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Cannot check the permissions of " + what + " "
                    + path + ": " + e + ". Plugins are loaded only from paths whose owner and mode can be checked.", e);
        }
        if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Refusing to load plugins: the " + what + " "
                    + path + " is writable by group or others, so anyone who can write to it could run code as the"
                    + " user running dogu-upgrade (usually root). Fix it with: chmod go-w " + path);
        }
        String owner = attributes.owner().getName();
        String self = System.getProperty("user.name");
        if (!owner.equals("root") && !owner.equals(self)) {
            throw new UpgradeException(ErrorCode.MIGRATION_DISCOVERY, "Refusing to load plugins: the " + what + " "
                    + path + " belongs to '" + owner + "', who could change it and so run code as '" + self
                    + "'. Fix it with: chown root " + path);
        }
    }
}
