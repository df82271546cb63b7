package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.backup.BackupRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The dogu changed its on-disk layout at certain versions. The versions are data
 * ({@code layout-changes.properties}: version = what changed), not code. Crossing one within a major
 * needs no backup: post-upgrade moves the cluster's files on the volume in O(1)
 * ({@code ClusterRelocation}). Crossing one together with a major change is named as a reason next to
 * the major upgrade, so {@code plan} and the log say both.
 */
public final class LayoutChangeRule implements BackupRule {

    private final Map<DoguVersion, String> changes;

    /** Loads the layout changes shipped with this library. */
    public LayoutChangeRule() {
        this(load());
    }

    /** @param changes version at which the layout changed -> description */
    public LayoutChangeRule(Map<DoguVersion, String> changes) {
        this.changes = new TreeMap<>(changes);
    }

    private static Map<DoguVersion, String> load() {
        Properties p = new Properties();
        try (InputStream in = LayoutChangeRule.class.getResourceAsStream("layout-changes.properties")) {
            if (in == null) {
                throw new IOException("resource missing");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.BACKUP_FAILED, "Cannot read layout-changes.properties: " + e.getMessage(), e);
        }
        Map<DoguVersion, String> out = new TreeMap<>();
        p.forEach((k, v) -> out.put(DoguVersion.parse(k.toString()), v.toString()));
        return out;
    }

    @Override
    public String name() {
        return "layout-migration";
    }

    @Override
    public Optional<String> reason(DoguVersion from, DoguVersion to) {
        for (Map.Entry<DoguVersion, String> c : changes.entrySet()) {
            if (from.compareTo(c.getKey()) < 0 && to.compareTo(c.getKey()) >= 0
                    && !from.postgresMajor().equals(to.postgresMajor())) {
                return Optional.of("layout changed in " + c.getKey() + " (" + c.getValue() + ")");
            }
        }
        return Optional.empty();
    }
}
