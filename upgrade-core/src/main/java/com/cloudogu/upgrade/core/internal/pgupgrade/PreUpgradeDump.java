package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The dump pre-upgrade may write beside the carried-over installation (link mode's rollback), as
 * the pg-upgrade manifest records it in its {@value #KEY} field: the absolute path of a published
 * backup with a manifest of its own. The fallback ladder's last rung restores it.
 */
public final class PreUpgradeDump {

    /** The manifest field naming the dump. */
    public static final String KEY = "rollbackDump";

    private PreUpgradeDump() {
    }

    /**
     * @param installation the published carried-over installation
     * @return the dump its manifest records, if it records one that exists
     */
    public static Optional<Path> recordedFor(Path installation) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(BackupManifest.pathFor(installation), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(p.getProperty(KEY)).filter(s -> !s.isBlank()).map(Path::of).filter(Files::exists);
    }
}
