package com.cloudogu.upgrade.testkit.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Chooses the Debian mirror to fetch from: the system property, else the mirror the host's apt
 * already uses for its own release (a CI network that allows one mirror allows that one), else
 * {@link DebianInstallations#DEFAULT_MIRROR}.
 */
final class DebianMirror {

    private static volatile String found;

    private DebianMirror() {}

    /** @return the mirror; the host's apt is asked once per JVM */
    static String find() {
        String known = found;
        if (known == null) {
            known = lookUp();
            found = known;
        }
        return known;
    }

    private static String lookUp() {
        String configured = System.getProperty(DebianInstallations.MIRROR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return strip(configured);
        }
        String codename = hostCodename();
        try {
            Command.Result result = Command.run(List.of("apt-get", "indextargets", "--format",
                    "$(REPO_URI) $(RELEASE)"), Path.of("/"), Map.of(), Duration.ofSeconds(30));
            if (result.exitCode() == 0) {
                for (String line : result.output().lines().toList()) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 2 && parts[1].equals(codename) && parts[0].startsWith("http")) {
                        return strip(parts[0]);
                    }
                }
            }
        } catch (RuntimeException noApt) {
            // Not a Debian host, or apt is broken: the default mirror is as good a guess as any.
        }
        return DebianInstallations.DEFAULT_MIRROR;
    }

    private static String hostCodename() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("VERSION_CODENAME=")) {
                    return line.substring("VERSION_CODENAME=".length()).replace("\"", "").trim();
                }
            }
        } catch (java.io.IOException ignored) {
            // No os-release: no host mirror to match either.
        }
        return "";
    }

    private static String strip(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
