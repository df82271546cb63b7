package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.core.UpgradeMethod;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationDumper;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.BackupStrategy;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The known {@link BackupFormat}s and the one place a format is chosen: by the configured
 * {@link BackupStrategy} when a backup is written, by the format its manifest records for everything
 * after — so a restore always knows what it is restoring, whatever the settings say now.
 */
public final class BackupFormats {

    private final Map<String, BackupFormat> byManifestFormat = new LinkedHashMap<>();

    /** @param tools what the built-in formats dump and restore with */
    public BackupFormats(FormatTools tools) {
        this(List.of(new PlainFormat(tools), new ParallelFormat(tools),
                new PgUpgradeFormat(tools, tools.installation(), tools.pgUpgradeMode())));
    }

    /** @param formats the formats, each with its own manifest format */
    BackupFormats(List<BackupFormat> formats) {
        for (BackupFormat f : formats) {
            if (byManifestFormat.putIfAbsent(f.manifestFormat(), f) != null) {
                throw new IllegalArgumentException("two formats write manifest format " + f.manifestFormat());
            }
        }
    }

    /**
     * @param method the configured upgrade method
     * @param strategy the configured backup strategy, for {@link UpgradeMethod#DUMP}
     * @return the format pre-upgrade writes
     */
    public BackupFormat forDump(UpgradeMethod method, BackupStrategy strategy) {
        return method == UpgradeMethod.PG_UPGRADE ? forManifestFormat(InstallationDumper.FORMAT) : forStrategy(strategy);
    }

    /**
     * @param strategy the configured backup strategy
     * @return the format that writes it
     */
    public BackupFormat forStrategy(BackupStrategy strategy) {
        return forManifestFormat(strategy.manifestFormat());
    }

    /**
     * @param manifest a backup's manifest
     * @return the format that wrote the backup
     * @throws UpgradeException with {@link ErrorCode#RESTORE_FAILED} if no known format wrote it
     */
    public BackupFormat forManifest(BackupManifest manifest) {
        return forManifestFormat(manifest.format());
    }

    private BackupFormat forManifestFormat(String format) {
        BackupFormat f = byManifestFormat.get(format);
        if (f == null) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The backup manifest has format '" + format
                    + "', which this dogu-upgrade does not know (it knows " + String.join(", ", byManifestFormat.keySet())
                    + "); it was probably written by a newer version. Nothing was changed.");
        }
        return f;
    }

    /** @param backupDirectory where backups are written; every format's published backups there are removed */
    public void removeLeftovers(Path backupDirectory) {
        byManifestFormat.values().forEach(f -> f.removeLeftovers(backupDirectory));
    }
}
