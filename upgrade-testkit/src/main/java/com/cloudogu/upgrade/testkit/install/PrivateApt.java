package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An apt of its own for one Debian suite: its own {@code sources.list}, package lists, cache,
 * preferences and an empty dpkg status, all inside one work directory, selected through
 * {@code APT_CONFIG}. Nothing under {@code /etc/apt} or {@code /var/lib/{apt,dpkg}} is read for
 * package state or written, so the host's packages stay as they are. (The host's
 * {@code apt.conf.d} is still read on purpose: it may carry the proxy needed to reach the mirror.)
 */
final class PrivateApt {

    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);

    private final Path work;
    private final String suite;
    private final Map<String, String> env;

    private PrivateApt(Path work, String suite) {
        this.work = work;
        this.suite = suite;
        this.env = Map.of("APT_CONFIG", work.resolve("apt.conf").toString(), "DEBIAN_FRONTEND", "noninteractive");
    }

    /**
     * Writes the configuration into {@code work} (which must exist and be empty).
     *
     * @param mirror the Debian mirror, e.g. {@code http://deb.debian.org/debian}
     * @param keyring the keyring that signs the suite's Release file
     */
    static PrivateApt configure(Path work, String mirror, Path keyring, String suite) throws IOException {
        for (String dir : List.of("lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d",
                "state")) {
            Files.createDirectories(work.resolve(dir));
        }
        Files.writeString(work.resolve("status"), "");
        Files.writeString(work.resolve("sources.list"),
                "deb [signed-by=" + keyring + "] " + mirror + " " + suite + " main\n");
        String w = work.toString();
        Files.writeString(work.resolve("apt.conf"), String.join("\n",
                "Dir::Etc::SourceList \"" + w + "/sources.list\";",
                "Dir::Etc::SourceParts \"" + w + "/sources.list.d\";",
                "Dir::Etc::Preferences \"" + w + "/preferences\";",
                "Dir::Etc::PreferencesParts \"" + w + "/preferences.d\";",
                "Dir::State \"" + w + "/state\";",
                "Dir::State::Lists \"" + w + "/lists\";",
                "Dir::State::status \"" + w + "/status\";",
                "Dir::Cache \"" + w + "/cache\";",
                "APT::Architecture \"amd64\";",
                "APT::Architectures { \"amd64\"; };",
                "Acquire::Languages \"none\";",
                // The _apt sandbox user could not write into a work directory owned by root (0700).
                "APT::Sandbox::User \"root\";",
                "Acquire::Retries \"3\";",
                ""), StandardCharsets.UTF_8);
        return new PrivateApt(work, suite);
    }

    /** Downloads the suite's package index ({@code apt-get update}). */
    void update() {
        Command.Result result = Command.run(List.of("apt-get", "-q", "update"), work, env, UPDATE_TIMEOUT);
        // apt-get update exits 0 even when a source failed; "W:"/"E:" lines are how it reports that.
        boolean failed = result.output().lines().anyMatch(l -> l.startsWith("E:") || l.startsWith("Err:")
                || l.startsWith("W: Failed to fetch") || l.startsWith("W: Some index files failed"));
        if (result.exitCode() != 0 || failed) {
            throw new UpgradeException(ErrorCode.PROCESS, "Could not read the package index of Debian " + suite
                    + " (is the Debian mirror reachable from this machine?). apt-get update said:\n"
                    + result.output().strip());
        }
    }

    /**
     * The architecture-dependent packages that {@code roots} need at run time, resolved in this suite
     * only: {@code apt-cache depends --recurse} without recommends, filtered to libraries.
     *
     * @param roots the packages to start from, e.g. {@code postgresql-17}
     * @param keep which dependency names to keep (the roots' own names must match)
     * @param drop which of those to leave out again (perl, LLVM, ...)
     */
    List<String> runtimeClosure(List<String> roots, Pattern keep, Pattern drop) {
        List<String> depends = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends",
                "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
        depends.addAll(roots);
        TreeSet<String> names = new TreeSet<>();
        // Top-level lines name packages; indented lines are the dependency edges, "<x>" are virtual.
        Command.check(depends, work, env, QUERY_TIMEOUT).lines()
                .filter(l -> !l.isEmpty() && !l.startsWith(" ") && !l.startsWith("<"))
                .filter(n -> keep.matcher(n).matches() && !drop.matcher(n).matches())
                .forEach(names::add);
        List<String> show = new ArrayList<>(List.of("apt-cache", "show", "--no-all-versions"));
        show.addAll(names);
        List<String> archDependent = new ArrayList<>();
        String current = null;
        for (String line : Command.check(show, work, env, QUERY_TIMEOUT).lines().toList()) {
            if (line.startsWith("Package: ")) {
                current = line.substring("Package: ".length()).trim();
            } else if (line.startsWith("Architecture: ") && !line.endsWith(" all") && current != null) {
                archDependent.add(current);
            }
        }
        return archDependent;
    }

    /**
     * Downloads the suite's current version of each package ({@code apt-get download}).
     *
     * @return the downloaded {@code .deb} files
     */
    List<Path> download(List<String> packages, Path into) throws IOException {
        Files.createDirectories(into);
        List<String> command = new ArrayList<>(List.of("apt-get", "-q", "download"));
        command.addAll(packages);
        Command.check(command, into, env, DOWNLOAD_TIMEOUT);
        try (Stream<Path> debs = Files.list(into)) {
            List<Path> files = debs.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
            if (files.size() != packages.size()) {
                throw new IOException("asked apt-get for " + packages.size() + " packages of " + suite + " but got "
                        + files.size() + " files in " + into);
            }
            return files;
        }
    }
}
