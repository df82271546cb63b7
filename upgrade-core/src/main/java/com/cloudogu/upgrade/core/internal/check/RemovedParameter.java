package com.cloudogu.upgrade.core.internal.check;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration parameter a user or superuser could set per role, per database or on a function
 * ({@code SET} clause), which a newer major removed. pg_dumpall/pg_dump write those settings as they
 * are ({@code ALTER ROLE ... SET}, {@code ALTER DATABASE ... SET}, {@code CREATE FUNCTION ... SET}),
 * and the new major refuses them: {@code unrecognized configuration parameter}. Curated from the
 * release notes; {@code RemovedParametersTest} proves each entry against real servers (settable by a
 * user or superuser the major before, gone in {@code removedIn}).
 *
 * @param name the parameter
 * @param removedIn the first major without it, as {@code 1600}
 * @param replacement what to use instead, for the message
 */
public record RemovedParameter(String name, int removedIn, String replacement) {

    /** Every known entry. */
    public static final List<RemovedParameter> ALL = List.of(
            new RemovedParameter("operator_precedence_warning", 1400, "nothing (remove the setting)"),
            new RemovedParameter("vacuum_cleanup_index_scale_factor", 1400, "nothing (remove the setting)"),
            new RemovedParameter("force_parallel_mode", 1600, "debug_parallel_query"));

    /**
     * @param fromMajor source major
     * @param toMajor target major
     * @return the entries removed after the source and at or before the target
     */
    public static List<RemovedParameter> between(int fromMajor, int toMajor) {
        return ALL.stream().filter(p -> p.removedIn > fromMajor && p.removedIn <= toMajor).toList();
    }

    /**
     * @param parameters entries
     * @return a {@code VALUES} list of (name, replacement) for a query
     */
    static String values(List<RemovedParameter> parameters) {
        return parameters.stream().map(p -> "('" + p.name + "', '" + p.replacement.replace("'", "''") + "')")
                .collect(Collectors.joining(", "));
    }
}
