package com.cloudogu.upgrade.core.internal.discovery;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;

/** Names the jar or directory a class or resource came from, for reports and error messages. */
public final class CodeLocations {

    public static final String UNKNOWN = "unknown";

    private CodeLocations() {
    }

    /**
     * @param type a loaded class
     * @return the location its code came from (a URL of a jar or directory), or null if not known
     */
    public static URL of(Class<?> type) {
        ProtectionDomain domain = type.getProtectionDomain();
        CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null ? null : source.getLocation();
    }

    /**
     * @param resource a resource URL such as {@code jar:file:/x/a.jar!/META-INF/services/...}
     * @param resourceName the resource's name inside its jar or directory
     * @return the URL of the jar or directory that holds it
     */
    public static URL containerOf(URL resource, String resourceName) {
        String text = resource.toString();
        try {
            if ("jar".equals(resource.getProtocol())) {
                int bang = text.indexOf("!/");
                if (bang > 0) {
                    return URI.create(text.substring("jar:".length(), bang)).toURL();
                }
            } else if (text.endsWith(resourceName)) {
                return URI.create(text.substring(0, text.length() - resourceName.length())).toURL();
            }
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            // fall through: report the resource URL itself
        }
        return resource;
    }

    /**
     * @param location a jar or directory URL, or null
     * @return the jar's file name, else the directory's path, else the URL, else {@code unknown}
     */
    public static String shortName(URL location) {
        if (location == null) {
            return UNKNOWN;
        }
        Path path = pathOf(location);
        if (path == null) {
            return location.toString();
        }
        Path name = path.getFileName();
        return name != null && name.toString().endsWith(".jar") ? name.toString() : path.toString();
    }

    /**
     * @param location a jar or directory URL, or null
     * @return the full path of the jar or directory, else the URL, else {@code unknown}
     */
    public static String fullName(URL location) {
        if (location == null) {
            return UNKNOWN;
        }
        Path path = pathOf(location);
        return path == null ? location.toString() : path.toString();
    }

    private static Path pathOf(URL location) {
        if (!"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            return Path.of(location.toURI());
        } catch (Exception e) {
            return null;
        }
    }
}
