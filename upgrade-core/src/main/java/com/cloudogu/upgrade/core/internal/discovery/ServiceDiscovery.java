package com.cloudogu.upgrade.core.internal.discovery;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one discovery loop for every SPI (migrations, backup rules, state-store providers), on
 * {@link ServiceLoader#stream()}: each listed provider is isolated, so one broken jar never hides the
 * others, and every problem is described with the class and the jar whose services file lists it.
 *
 * <p>What to do with the problems is each SPI's policy, written where it is used:
 * migrations and backup rules refuse to run with any problem ({@code DU-DISCOVERY}), because a
 * skipped migration or rule could lose data; state-store providers are skipped with a warning,
 * because an unrelated broken provider must not keep the dogu from using {@code doguctl}.
 *
 * <p>Why a problem happened is found by inspecting the class ({@link Class#forName}, the type, the
 * constructor), never by reading the text of the JDK's error.
 *
 * @param <T> the service type
 */
public final class ServiceDiscovery<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceDiscovery.class);

    private final Class<T> service;
    private final ClassLoader loader;

    private ServiceDiscovery(Class<T> service, ClassLoader loader) {
        this.service = service;
        this.loader = loader;
    }

    /**
     * @param service the service type
     * @param loader where to look
     * @param <T> the service type
     * @return a discovery of every listed provider
     */
    public static <T> ServiceDiscovery<T> of(Class<T> service, ClassLoader loader) {
        return new ServiceDiscovery<>(service, loader);
    }

    /**
     * A provider that was loaded and created.
     *
     * @param provider the instance
     * @param location the jar or directory its class came from, null if not known
     * @param <T> the service type
     */
    public record Found<T>(T provider, URL location) {

        /** @return the jar's file name, e.g. {@code acme-plugin.jar} */
        public String jar() {
            return CodeLocations.shortName(location);
        }

        /** @return the jar's full path, for messages */
        public String jarPath() {
            return CodeLocations.fullName(location);
        }
    }

    /**
     * What discovery found.
     *
     * @param found every provider created, in discovery order
     * @param problems one sentence per provider that could not be used, naming class and jar and
     *     ending in what to do
     * @param <T> the service type
     */
    public record Result<T>(List<Found<T>> found, List<String> problems) {
    }

    /** @return the providers and the problems */
    public Result<T> load() {
        ServiceFileIndex index = ServiceFileIndex.read(loader, service);
        List<String> problems = new ArrayList<>();
        index.unreadable().forEach(u -> problems.add("The file " + servicesFile() + " in " + u + " cannot be read."));
        List<String> listed = index.classNames();
        Set<String> accounted = new HashSet<>();
        List<Found<T>> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<T>> providers = ServiceLoader.load(service, loader).stream().iterator();
        int failures = 0;
        while (true) {
            ServiceLoader.Provider<T> provider;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                provider = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // ServiceLoader yields providers in the order the index lists them, so the entry that
                // failed is the first one not seen yet
                String culprit = listed.stream().filter(n -> !accounted.contains(n)).findFirst().orElse(null);
                if (culprit == null) {
                    problems.add("A " + simpleName() + " provider could not be loaded: " + e + ".");
                } else {
                    accounted.add(culprit);
                    problems.add(describe(culprit, index) + " could not be loaded: " + diagnose(culprit, e));
                }
                // ServiceLoader skips a broken entry only "on a best-effort basis": never loop forever
                if (++failures > listed.size()) {
                    break;
                }
                continue;
            }
            Class<? extends T> type = provider.type();
            accounted.add(type.getName());
            try {
                T instance = provider.get();
                warnIfShadowed(type, index);
                found.add(new Found<>(instance, CodeLocations.of(type)));
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add(describe(type.getName(), index) + " could not be created: " + creationFailure(e));
            }
        }
        return new Result<>(found, problems);
    }

    private String describe(String className, ServiceFileIndex index) {
        Set<URL> listedBy = index.listedBy(className);
        String where = listedBy.isEmpty() ? "" : " (listed in " + servicesFile() + " of " + listedBy.stream()
                .map(CodeLocations::fullName).collect(Collectors.joining(" and ")) + ")";
        return capitalized(simpleName()) + " provider " + className + where;
    }

    /** Finds out why a listed class is not a usable provider by looking at the class itself. */
    private String diagnose(String className, Throwable error) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            return "the class is not there. Add the class to the jar or remove the line from the services file.";
        } catch (LinkageError e) {
            return linkageAdvice(e);
        }
        if (!service.isAssignableFrom(type)) {
            return "the class does not implement " + service.getName()
                    + ". Implement it or remove the line from the services file.";
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            return "the class is not public. Make it public.";
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            if (!Modifier.isPublic(constructor.getModifiers())) {
                return "the class has no public no-argument constructor. Add one.";
            }
        } catch (NoSuchMethodException e) {
            return "the class has no public no-argument constructor. Add one.";
        } catch (LinkageError e) {
            return linkageAdvice(e);
        }
        return error instanceof LinkageError l ? linkageAdvice(l) : error + ".";
    }

    private static String creationFailure(Throwable error) {
        if (error instanceof LinkageError l) {
            return linkageAdvice(l);
        }
        Throwable cause = error.getCause();
        if (cause instanceof InvocationTargetException ite && ite.getCause() != null) {
            cause = ite.getCause();
        }
        if (cause instanceof LinkageError l) {
            return linkageAdvice(l);
        }
        return cause == null ? error + "." : "its constructor threw " + cause + ". Fix the constructor.";
    }

    private static String linkageAdvice(LinkageError e) {
        return "a class it needs is missing or incompatible (" + e + "). Check that the jar was built"
                + " against this version of upgrade-api and that its dependencies are present.";
    }

    private void warnIfShadowed(Class<?> type, ServiceFileIndex index) {
        Set<URL> listedBy = index.listedBy(type.getName());
        if (listedBy.size() > 1) {
            LOG.warn("{} {} is listed by {}; only the class from {} is used. Remove the extra copies.",
                    capitalized(simpleName()), type.getName(),
                    listedBy.stream().map(CodeLocations::fullName).collect(Collectors.joining(" and ")),
                    CodeLocations.fullName(CodeLocations.of(type)));
        }
    }

    private String servicesFile() {
        return "META-INF/services/" + service.getName();
    }

    /** "migration", "backup rule", "state store provider": the type name in words, for messages. */
    private String simpleName() {
        String words = service.getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return words.endsWith(" provider") ? words.substring(0, words.length() - " provider".length()) : words;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
