package com.cloudogu.upgrade.testkit;

import java.util.List;

/**
 * Zonky binary versions the testkit has been verified with, one current minor per major plus the
 * old minors needed to reproduce the defects that the built-in migrations repair.
 */
public final class PostgresVersions {

    /** Latest verified PostgreSQL 12. */
    public static final String V12 = "12.22.0";
    /** Latest verified PostgreSQL 13. */
    public static final String V13 = "13.23.0";
    /** Latest verified PostgreSQL 14. */
    public static final String V14 = "14.19.0";
    /** Latest verified PostgreSQL 15. */
    public static final String V15 = "15.14.0";
    /** Latest verified PostgreSQL 16. */
    public static final String V16 = "16.10.0";
    /** Latest verified PostgreSQL 17. */
    public static final String V17 = "17.6.0";
    /** Latest verified PostgreSQL 18. */
    public static final String V18 = "18.0.0";

    /** PostgreSQL 14 before the CVE-2024-4317 fix (14.12): clusters keep the leaky stats views. */
    public static final String V14_BEFORE_STATS_FIX = "14.10.0";
    /** PostgreSQL 14 before the partitioned foreign key fix (14.14). */
    public static final String V14_BEFORE_FK_FIX = "14.13.0";
    /** PostgreSQL 14 after both fixes; a minor upgrade target for {@link #V14_BEFORE_STATS_FIX}. */
    public static final String V14_AFTER_FIXES = "14.15.0";

    private PostgresVersions() {}

    /** @return the latest verified version of every supported major (12 to 18), oldest first */
    public static List<String> latestPerMajor() {
        return List.of(V12, V13, V14, V15, V16, V17, V18);
    }

    /**
     * @param major a PostgreSQL major, 12 to 18
     * @return the latest verified zonky version of that major
     * @throws IllegalArgumentException if the major is not supported
     */
    public static String latest(int major) {
        return latestPerMajor().stream()
                .filter(v -> PostgresBinaries.majorOf(v) == major)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "PostgreSQL " + major + " is not supported by the testkit; supported majors are 12 to 18"));
    }
}
