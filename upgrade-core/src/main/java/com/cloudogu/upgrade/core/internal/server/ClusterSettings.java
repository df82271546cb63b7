package com.cloudogu.upgrade.core.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The initdb-time properties of a cluster that a dump does not carry: recorded when the backup is
 * taken and reused when the new cluster is initialized, so the restored cluster behaves like the old.
 *
 * @param encoding server encoding, e.g. {@code UTF8}
 * @param collate {@code lc_collate} of the template databases
 * @param ctype {@code lc_ctype} of the template databases
 * @param dataChecksums whether data checksums were on
 */
public record ClusterSettings(String encoding, String collate, String ctype, boolean dataChecksums) {

    /** Settings for a fresh install without an old cluster to copy. */
    public static final ClusterSettings DEFAULT = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false);

    /**
     * @param major the major of the initdb that runs
     * @return the initdb arguments that reproduce these settings. Checksums are stated both ways from
     *     18 on, whose initdb turns them on by default (pg_upgrade refuses a mismatch).
     */
    public List<String> initdbArguments(int major) {
        List<String> args = new ArrayList<>(List.of("--encoding=" + encoding, "--lc-collate=" + collate,
                "--lc-ctype=" + ctype));
        if (dataChecksums) {
            args.add("--data-checksums");
        } else if (major >= 18) {
            args.add("--no-data-checksums");
        }
        return args;
    }

    /** @param target where to write the settings (keys prefixed {@code cluster.}) */
    public void writeTo(Properties target) {
        target.setProperty("cluster.encoding", encoding);
        target.setProperty("cluster.collate", collate);
        target.setProperty("cluster.ctype", ctype);
        target.setProperty("cluster.dataChecksums", Boolean.toString(dataChecksums));
    }

    /** @param source properties written by {@link #writeTo} @return the settings, defaults where absent */
    public static ClusterSettings readFrom(Properties source) {
        return new ClusterSettings(
                source.getProperty("cluster.encoding", DEFAULT.encoding),
                source.getProperty("cluster.collate", DEFAULT.collate),
                source.getProperty("cluster.ctype", DEFAULT.ctype),
                Boolean.parseBoolean(source.getProperty("cluster.dataChecksums", "false")));
    }
}
