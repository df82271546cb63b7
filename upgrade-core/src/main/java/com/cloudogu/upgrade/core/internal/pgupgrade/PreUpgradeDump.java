package com.cloudogu.upgrade.core.internal.pgupgrade;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The dump pre-upgrade may write beside the carried-over installation (link mode's rollback), as the
 * copy records it in {@value #FILE}: the dump's file name next to the copy ({@code file}); the dump is
 * a published plain backup with a manifest of its own. The fallback ladder's last rung restores it.
 * (The same record the link mode reads; once both are merged, one reader suffices.)
 */
public final class PreUpgradeDump {

    /** The record's name inside the installation copy. */
    public static final String FILE = "rollback-dump.properties";

    private PreUpgradeDump() {
    }

    /**
     * @param installation the published carried-over installation
     * @return the dump it records, if it records one that exists
     */
    public static Optional<Path> recordedFor(Path installation) {
        Path record = installation.resolve(FILE);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty(); // an unreadable record: no last rung, the ladder ends with rung 2's reason
        }
        return Optional.ofNullable(p.getProperty("file")).filter(s -> !s.isBlank())
                .map(installation::resolveSibling).filter(Files::isRegularFile);
    }
}
