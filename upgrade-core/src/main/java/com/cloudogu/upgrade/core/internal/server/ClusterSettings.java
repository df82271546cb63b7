package com.cloudogu.upgrade.core.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The initdb-time properties of a cluster that a dump does not carry: recorded when the backup is
 * taken and reused when the new cluster is initialized, so the restored cluster behaves like the old
 * one, and so that pg_upgrade accepts the pair (it refuses another encoding, locale provider, WAL
 * segment size or checksum setting).
 *
 * @param encoding server encoding, e.g. {@code UTF8}
 * @param collate {@code lc_collate} of the template databases
 * @param ctype {@code lc_ctype} of the template databases
 * @param dataChecksums whether data checksums were on
 * @param walSegmentBytes the WAL segment size in bytes, 0 when not recorded (initdb's default then)
 * @param localeProvider the template databases' locale provider: {@code libc}, {@code icu} (15+) or
 *     {@code builtin} (17+)
 * @param providerLocale the ICU or builtin locale of that provider, empty for libc
 */
public record ClusterSettings(String encoding, String collate, String ctype, boolean dataChecksums,
                              long walSegmentBytes, String localeProvider, String providerLocale) {

    /** The provider of every cluster before 15, and initdb's default. */
    public static final String LIBC = "libc";

    /** Settings for a fresh install without an old cluster to copy. */
    public static final ClusterSettings DEFAULT = new ClusterSettings("UTF8", "C.UTF-8", "C.UTF-8", false);

    /** Settings with initdb's default WAL segment size and the libc provider. */
    public ClusterSettings(String encoding, String collate, String ctype, boolean dataChecksums) {
        this(encoding, collate, ctype, dataChecksums, 0, LIBC, "");
    }

    /**
     * @param provider {@code pg_database.datlocprovider}: {@code c}, {@code i} or {@code b}
     * @return the provider's name as initdb spells it
     */
    public static String providerName(String provider) {
        return switch (provider) {
            case "i" -> "icu";
            case "b" -> "builtin";
            default -> LIBC;
        };
    }

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
        if (walSegmentBytes > 0) {
            args.add("--wal-segsize=" + walSegmentBytes / (1024 * 1024));
        }
        switch (localeProvider) {
            case "icu" -> args.addAll(List.of("--locale-provider=icu", "--icu-locale=" + providerLocale));
            case "builtin" -> args.addAll(List.of("--locale-provider=builtin", "--builtin-locale=" + providerLocale));
            default -> { } // libc: initdb's default on every major
        }
        return args;
    }

    /** @param target where to write the settings (keys prefixed {@code cluster.}) */
    public void writeTo(Properties target) {
        target.setProperty("cluster.encoding", encoding);
        target.setProperty("cluster.collate", collate);
        target.setProperty("cluster.ctype", ctype);
        target.setProperty("cluster.dataChecksums", Boolean.toString(dataChecksums));
        target.setProperty("cluster.walSegmentBytes", Long.toString(walSegmentBytes));
        target.setProperty("cluster.localeProvider", localeProvider);
        target.setProperty("cluster.providerLocale", providerLocale);
    }

    /**
     * @param source properties written by {@link #writeTo}
     * @return the settings, defaults where absent (manifests written before the WAL segment size and
     *     the provider were recorded: initdb's defaults)
     * @throws IllegalArgumentException naming the field when one is garbled
     */
    public static ClusterSettings readFrom(Properties source) {
        String segment = source.getProperty("cluster.walSegmentBytes", "0");
        long segmentBytes;
        try {
            segmentBytes = Long.parseLong(segment);
        } catch (NumberFormatException e) {
            segmentBytes = -1;
        }
        if (segmentBytes < 0 || segmentBytes % (1024 * 1024) != 0 || Long.bitCount(segmentBytes) > 1) {
            throw new IllegalArgumentException("field 'cluster.walSegmentBytes' is not a power of two of MiB: '"
                    + segment + "'");
        }
        String provider = source.getProperty("cluster.localeProvider", LIBC);
        if (!List.of(LIBC, "icu", "builtin").contains(provider)) {
            throw new IllegalArgumentException("field 'cluster.localeProvider' is none of libc, icu, builtin: '"
                    + provider + "'");
        }
        return new ClusterSettings(
                source.getProperty("cluster.encoding", DEFAULT.encoding),
                source.getProperty("cluster.collate", DEFAULT.collate),
                source.getProperty("cluster.ctype", DEFAULT.ctype),
                Boolean.parseBoolean(source.getProperty("cluster.dataChecksums", "false")),
                segmentBytes, provider, source.getProperty("cluster.providerLocale", ""));
    }
}
