package com.cloudogu.upgrade.core.internal.discovery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which jar's {@code META-INF/services} file lists which provider class. {@link java.util.ServiceLoader}
 * reports a broken provider by class name only; this index adds the jar, so the error says where
 * to look.
 */
final class ServiceFileIndex {

    private final Map<String, Set<URL>> listedBy = new LinkedHashMap<>();
    private final List<String> unreadable = new ArrayList<>();

    private ServiceFileIndex() {
    }

    /**
     * Reads every services file of a service type, the way {@link java.util.ServiceLoader} does.
     *
     * @param loader the class loader to search
     * @param service the service type
     * @return the index
     */
    static ServiceFileIndex read(ClassLoader loader, Class<?> service) {
        String resource = "META-INF/services/" + service.getName();
        ServiceFileIndex index = new ServiceFileIndex();
        Enumeration<URL> files;
        try {
            files = loader.getResources(resource);
        } catch (IOException e) {
            index.unreadable.add("the class path (" + e.getMessage() + ")");
            return index;
        }
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            URL container = CodeLocations.containerOf(file, resource);
            try {
                for (String className : parse(file)) {
                    index.listedBy.computeIfAbsent(className, c -> new LinkedHashSet<>()).add(container);
                }
            } catch (IOException e) {
                index.unreadable.add(CodeLocations.fullName(container) + " (" + e.getMessage() + ")");
            }
        }
        return index;
    }

    private static List<String> parse(URL file) throws IOException {
        URLConnection connection = file.openConnection();
        // a cached JarFile would keep serving a jar that was replaced on disk
        connection.setUseCaches(false);
        List<String> names = new ArrayList<>();
        try (InputStream in = connection.getInputStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** @return every listed class name, in the order the loader finds them */
    List<String> classNames() {
        return new ArrayList<>(listedBy.keySet());
    }

    /**
     * @param className a provider class name
     * @return the jars or directories whose services file lists it (empty if none)
     */
    Set<URL> listedBy(String className) {
        return listedBy.getOrDefault(className, Set.of());
    }

    /** @return services files that exist but could not be read, described for a message */
    List<String> unreadable() {
        return unreadable;
    }
}
