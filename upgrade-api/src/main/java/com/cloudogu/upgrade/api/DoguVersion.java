package com.cloudogu.upgrade.api;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of a PostgreSQL dogu image: {@code <pg-major>.<pg-minor>-<release>} such as
 * {@code 14.15-2} or {@code 17.9-0}, or the legacy three-part form {@code 9.6.13-1} whose
 * PostgreSQL major is {@code 9.6} (before PostgreSQL 10 a major consisted of two numbers).
 *
 * <p>Parsing is strict: a value that does not have exactly one of these shapes is rejected with an
 * {@link UpgradeException} of code {@link ErrorCode#INVALID_VERSION} naming the value. Instances
 * are ordered by PostgreSQL major, then minor, then dogu release.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class DoguVersion implements Comparable<DoguVersion> {

    private static final Pattern SHAPE =
            Pattern.compile("(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})(?:\\.(0|[1-9][0-9]{0,3}))?-(0|[1-9][0-9]{0,5})");

    private final String text;
    private final int majorNumber;
    private final String postgresMajor;
    private final int minor;
    private final int release;

    private DoguVersion(String text, int majorNumber, String postgresMajor, int minor, int release) {
        this.text = text;
        this.majorNumber = majorNumber;
        this.postgresMajor = postgresMajor;
        this.minor = minor;
        this.release = release;
    }

    /**
     * Parses a dogu version.
     *
     * @param text the version as given by the dogu, e.g. {@code 14.15-2}
     * @return the parsed version
     * @throws UpgradeException with {@link ErrorCode#INVALID_VERSION} if the text is not a dogu version
     */
    public static DoguVersion parse(String text) {
        if (text == null) {
            throw invalid("(none)", "a version is required");
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            throw invalid(text, "expected <major>.<minor>-<release> such as 14.15-2 or legacy 9.6.13-1");
        }
        int first = Integer.parseInt(m.group(1));
        int second = Integer.parseInt(m.group(2));
        int release = Integer.parseInt(m.group(4));
        if (m.group(3) != null) {
            if (first >= 10) {
                throw invalid(text, "three-part versions exist only before PostgreSQL 10 (e.g. 9.6.13-1); use "
                        + first + "." + second + "-" + release + " for PostgreSQL " + first);
            }
            int third = Integer.parseInt(m.group(3));
            return new DoguVersion(text, first * 100 + second, first + "." + second, third, release);
        }
        if (first < 10) {
            throw invalid(text, "PostgreSQL " + first + ".x versions have three parts, e.g. 9.6.13-1");
        }
        return new DoguVersion(text, first * 100, Integer.toString(first), second, release);
    }

    private static UpgradeException invalid(String text, String why) {
        return new UpgradeException(ErrorCode.INVALID_VERSION,
                "Invalid dogu version '" + text + "': " + why + ".");
    }

    /** @return the PostgreSQL major as PostgreSQL writes it into {@code PG_VERSION}: {@code 9.6}, {@code 14} */
    public String postgresMajor() {
        return postgresMajor;
    }

    /**
     * @return the PostgreSQL major as a comparable number: {@code 906} for 9.6, {@code 1400} for 14
     *     (the {@code server_version_num / 100} convention, rounded to the major)
     */
    public int majorNumber() {
        return majorNumber;
    }

    /** @return the PostgreSQL minor version: {@code 15} for {@code 14.15-2}, {@code 13} for {@code 9.6.13-1} */
    public int minor() {
        return minor;
    }

    /** @return the dogu release suffix: {@code 2} for {@code 14.15-2} */
    public int release() {
        return release;
    }

    /**
     * @param target the version being upgraded to
     * @return whether going from this version to {@code target} changes the PostgreSQL major upwards
     */
    public boolean isMajorUpgradeTo(DoguVersion target) {
        return target.majorNumber > majorNumber;
    }

    /**
     * @param target the version being upgraded to
     * @return whether {@code target} has an older PostgreSQL major, which can never read this data
     */
    public boolean isMajorDowngradeTo(DoguVersion target) {
        return target.majorNumber < majorNumber;
    }

    @Override
    public int compareTo(DoguVersion other) {
        int c = Integer.compare(majorNumber, other.majorNumber);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c != 0 ? c : Integer.compare(release, other.release);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DoguVersion v && v.majorNumber == majorNumber && v.minor == minor && v.release == release;
    }

    @Override
    public int hashCode() {
        return Objects.hash(majorNumber, minor, release);
    }

    /** @return the version exactly as it was parsed */
    @Override
    public String toString() {
        return text;
    }
}
