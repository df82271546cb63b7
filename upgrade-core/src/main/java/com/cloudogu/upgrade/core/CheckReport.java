package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the compatibility checks found on the old cluster.
 *
 * @param from dogu version upgraded from
 * @param to dogu version upgraded to
 * @param serverVersion the old server's {@code server_version}, e.g. {@code 14.19}
 * @param results one per check that applied, in check order
 * @param notApplicable ids of the checks that do not apply to this pair of majors
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record CheckReport(String from, String to, String serverVersion, List<Result> results,
                          List<String> notApplicable) {

    /**
     * @param id the check's id, e.g. {@code reg-types} (docs/CHECKS.md has one section per id)
     * @param title what the check looks for, in words
     * @param remedy what to do when it finds something
     * @param findings one line per offending object, {@code database "x": table ...}; empty when it passed
     */
    public record Result(String id, String title, String remedy, List<String> findings) {
        /** @return whether nothing was found */
        public boolean passed() {
            return findings.isEmpty();
        }
    }

    /**
     * @param from dogu version upgraded from
     * @param to dogu version upgraded to
     * @return the report of an upgrade that needs no checks (the major does not change)
     */
    public static CheckReport notNeeded(String from, String to) {
        return new CheckReport(from, to, "", List.of(), List.of());
    }

    /** @return whether the checks ran (only for a major upgrade) */
    public boolean ran() {
        return !serverVersion.isEmpty();
    }

    /** @return whether no check found anything */
    public boolean passed() {
        return results.stream().allMatch(Result::passed);
    }

    /** @return the checks that found something */
    public List<Result> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** @return one line per check: {@code ok id} or {@code FAILED id: n object(s)} */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (Result r : results) {
            lines.add(r.passed() ? "ok      " + r.id()
                    : "FAILED  " + r.id() + ": " + r.findings().size() + " object(s)");
        }
        return lines;
    }

    /**
     * @return {@link #summary()} with every object found and what to do, indented under its check,
     *     and the checks that do not apply
     */
    public List<String> details() {
        List<String> lines = new ArrayList<>();
        for (Result r : results) {
            if (r.passed()) {
                lines.add("ok      " + r.id());
            } else {
                lines.add("FAILED  " + r.id() + ": " + r.title());
                r.findings().forEach(f -> lines.add("          " + f));
                lines.add("          what to do: " + r.remedy());
            }
        }
        if (!notApplicable.isEmpty()) {
            lines.add("not needed for this upgrade: " + String.join(", ", notApplicable));
        }
        return lines;
    }

    /**
     * @return the refusal as one paragraph: every check that failed with every object it found and
     *     what to do, for the one-line error
     */
    public String message() {
        StringBuilder m = new StringBuilder("PostgreSQL " + majorOf(to) + " cannot restore what the old PostgreSQL "
                + serverVersion + " cluster holds; nothing was written, the old server keeps running.");
        for (Result r : failures()) {
            m.append(" [").append(r.id()).append("] ").append(capitalized(r.title())).append(": ")
                    .append(String.join("; ", r.findings())).append(". ").append(r.remedy());
        }
        m.append(" See docs/CHECKS.md; 'dogu-upgrade check ").append(from).append(' ').append(to)
                .append("' repeats the checks.");
        return m.toString();
    }

    private static String majorOf(String doguVersion) {
        return doguVersion.substring(0, doguVersion.indexOf('.'));
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * The refusal rule of pre-upgrade and {@code check}, in one place.
     *
     * @throws UpgradeException with {@link ErrorCode#INCOMPATIBLE_CLUSTER} and {@link #message()} if a
     *     check found something
     */
    public void refuseIfIncompatible() {
        if (!passed()) {
            throw new UpgradeException(ErrorCode.INCOMPATIBLE_CLUSTER, message());
        }
    }
}
