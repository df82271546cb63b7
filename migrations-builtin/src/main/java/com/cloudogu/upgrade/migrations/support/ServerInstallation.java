package com.cloudogu.upgrade.migrations.support;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.migration.DatabaseServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Facts about the installation of the running server that migrations need: its share directory
 * (extension scripts, fix scripts) and its version text.
 */
public final class ServerInstallation {

    private static final String BKI = "postgres.bki";

    private ServerInstallation() {
    }

    /**
     * Finds the share directory of the running server: the one the server reports, or else one
     * derived from its binary directory ({@code ../share/postgresql}, {@code ../share}). A directory
     * counts only if its {@code postgres.bki} names the server's major, so a share directory of
     * another installation on the same machine is never used.
     *
     * @param server the running server
     * @return the share directory
     * @throws UpgradeException if no candidate belongs to the server's major
     */
    public static Path shareDirectory(DatabaseServer server) {
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(server.shareDirectory());
        Path prefix = server.binDirectory().toAbsolutePath().getParent();
        if (prefix != null) {
            candidates.add(prefix.resolve("share").resolve("postgresql"));
            candidates.add(prefix.resolve("share"));
        }
        List<String> rejected = new ArrayList<>();
        for (Path candidate : candidates) {
            if (candidate == null) {
                continue;
            }
            String major = bkiMajor(candidate);
            if (Integer.toString(server.majorVersion()).equals(major)) {
                return candidate;
            }
            rejected.add(candidate + (major == null ? " (no " + BKI + ")" : " (PostgreSQL " + major + ")"));
        }
        throw new UpgradeException(ErrorCode.MIGRATION_FAILED, "Cannot find the share directory of the running"
                + " PostgreSQL " + server.majorVersion() + ": " + String.join(", ", rejected)
                + ". The server installation is incomplete or the server reports a wrong directory.");
    }

    /**
     * @param server the running server
     * @return its version as people write it, e.g. {@code 14.10}
     */
    public static String version(DatabaseServer server) {
        int number = server.versionNumber();
        return number / 10_000 + "." + number % 10_000;
    }

    // postgres.bki starts with "# PostgreSQL <major>".
    private static String bkiMajor(Path share) {
        Path bki = share.resolve(BKI);
        if (!Files.isRegularFile(bki)) {
            return null;
        }
        try (BufferedReader reader = Files.newBufferedReader(bki, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            if (first != null && first.startsWith("# PostgreSQL ")) {
                return first.substring("# PostgreSQL ".length()).strip();
            }
            return "unknown";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
