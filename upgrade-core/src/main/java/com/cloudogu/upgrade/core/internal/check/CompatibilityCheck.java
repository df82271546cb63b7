package com.cloudogu.upgrade.core.internal.check;

import java.util.Objects;

/**
 * One thing the old cluster may hold that a restore into a newer PostgreSQL major refuses, found by
 * a catalog query on the running old server before anything is written (like {@code pg_upgrade
 * --check}). Every check is data: the majors it applies to, the query, what to do about a finding,
 * and where the incompatibility is documented. The query returns one text column per offending
 * object, a sentence naming it (schema, table, column ...); the database is added by the checker.
 *
 * <p>Majors are compared as {@code server_version_num / 100} rounded to the major, the convention of
 * {@link com.cloudogu.upgrade.api.DoguVersion#majorNumber()}: {@code 906} for 9.6, {@code 1400} for 14.
 *
 * @param id stable name, e.g. {@code inherited-generated-columns}
 * @param title what is refused, one line
 * @param scope whether the query runs once or in every database
 * @param applies given (source major, target major), whether the check is needed
 * @param query the catalog query for the old server's version and the target major
 * @param remedy what the user does about a finding, one or two sentences
 * @param source the release note or pg_upgrade check that documents it
 */
public record CompatibilityCheck(String id, String title, Scope scope, Applicability applies,
                                 Query query, String remedy, String source) {

    /** Where the query runs. */
    public enum Scope {
        /** Once, in {@code template1}: shared catalogs (databases, roles). */
        CLUSTER,
        /** In every database the backup dumps. */
        DATABASE
    }

    /** Decides from the two majors (e.g. {@code 1400}, {@code 1700}) whether a check is needed. */
    @FunctionalInterface
    public interface Applicability {
        /** @param fromMajor source major @param toMajor target major @return whether the check runs */
        boolean test(int fromMajor, int toMajor);

        /**
         * @param major the first major that refuses the object, e.g. {@code 1600}
         * @return applies when the source is older than {@code major} and the target is that or newer
         */
        static Applicability refusedFrom(int major) {
            return (from, to) -> from < major && to >= major;
        }

        /**
         * @param major the first major that has the catalog object the query reads
         * @param then the rule once the source has it
         * @return {@code then}, but never for a source older than {@code major}
         */
        static Applicability sourceAtLeast(int major, Applicability then) {
            return (from, to) -> from >= major && then.test(from, to);
        }

        /** @return applies to every major upgrade */
        static Applicability always() {
            return (from, to) -> from < to;
        }
    }

    /** Builds the catalog query; it returns one text column, a sentence per offending object. */
    @FunctionalInterface
    public interface Query {
        /**
         * @param serverVersionNum the old server's {@code server_version_num}, e.g. {@code 141900}
         * @param toMajor the target major, e.g. {@code 1700}
         * @return the SQL
         */
        String sql(int serverVersionNum, int toMajor);
    }

    /** Checks the fields. */
    public CompatibilityCheck {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(applies, "applies");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(remedy, "remedy");
        Objects.requireNonNull(source, "source");
    }

    /**
     * @param fromMajor source major, e.g. {@code 1400}
     * @param toMajor target major, e.g. {@code 1700}
     * @return whether this check is needed for the upgrade
     */
    public boolean appliesTo(int fromMajor, int toMajor) {
        return applies.test(fromMajor, toMajor);
    }

    /**
     * @param serverVersionNum the old server's {@code server_version_num}
     * @param toMajor the target major, e.g. {@code 1700}
     * @return the query for them
     */
    public String queryFor(int serverVersionNum, int toMajor) {
        return query.sql(serverVersionNum, toMajor);
    }
}
