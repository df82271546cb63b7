package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why {@code pg_upgrade --check} refused, in pg_upgrade's own words, on one line: the check that
 * failed, the first sentence of its explanation, and the objects it listed in its report file (the
 * {@code reg*} columns, the missing libraries), read before the report is removed with the target.
 *
 * @param reason the line for the log, the ladder's record and {@code status}
 */
public record PgUpgradeRefusal(String reason) {

    // 17: "Checking data type usage    failed check: Checking for reg* data types in user tables";
    // up to 16: "Checking for reg* data types in user tables                fatal"
    private static final Pattern FAILED_CHECK = Pattern.compile("failed check:\\s*(.+)$");
    private static final Pattern FATAL = Pattern.compile("^(Checking .+?)\\s+fatal$");
    private static final Pattern REPORT = Pattern.compile("(/\\S+\\.txt)\\s*$");
    private static final int LISTED = 10;

    /**
     * @param check a failed {@code pg_upgrade --check}
     * @return its reason
     */
    public static PgUpgradeRefusal of(ProcessResult check) {
        return of(check.stdout() + "\n" + check.stderrTail());
    }

    /**
     * @param output what pg_upgrade printed
     * @return its reason
     */
    static PgUpgradeRefusal of(String output) {
        List<String> lines = output.lines().map(String::strip).toList();
        String failed = null;
        int at = -1;
        for (int i = 0; i < lines.size() && failed == null; i++) {
            Matcher m = FAILED_CHECK.matcher(lines.get(i));
            Matcher f = FATAL.matcher(lines.get(i));
            if (m.find()) {
                failed = m.group(1).strip();
                at = i;
            } else if (f.matches()) {
                failed = f.group(1).strip();
                at = i;
            }
        }
        List<String> parts = new ArrayList<>();
        if (failed != null) {
            parts.add(failed);
            String why = firstSentence(lines.subList(at + 1, lines.size()));
            if (!why.isEmpty()) {
                parts.add(why);
            }
        } else {
            String last = lastMeaningful(lines);
            parts.add(last.isEmpty() ? "pg_upgrade --check failed without a reason" : last);
        }
        for (String line : lines) {
            Matcher r = REPORT.matcher(line);
            if (r.find()) {
                listed(Path.of(r.group(1))).ifPresent(l -> parts.add("listed: " + l));
            }
        }
        return new PgUpgradeRefusal(String.join(": ", parts.subList(0, Math.min(2, parts.size())))
                + (parts.size() > 2 ? " (" + String.join("; ", parts.subList(2, parts.size())) + ")" : ""));
    }

    /** The explanation's first sentence, which may span lines; headings ("...failed:") are skipped. */
    private static String firstSentence(List<String> after) {
        StringBuilder s = new StringBuilder();
        for (String line : after) {
            if (line.isEmpty() || line.endsWith(":") && s.length() == 0) {
                if (s.length() > 0) {
                    break;
                }
                continue;
            }
            s.append(s.length() == 0 ? "" : " ").append(line);
            int dot = s.indexOf(". ");
            if (dot >= 0) {
                return s.substring(0, dot + 1);
            }
            if (line.endsWith(".")) {
                break;
            }
        }
        return s.toString();
    }

    private static String lastMeaningful(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (!l.isEmpty() && !l.equals("Failure, exiting") && !l.endsWith(" ok") && !l.startsWith("---")) {
                return l;
            }
        }
        return "";
    }

    /** The first lines of pg_upgrade's report file, e.g. {@code In database: app public.t.p}. */
    private static java.util.Optional<String> listed(Path report) {
        try {
            List<String> content = Files.readAllLines(report).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .toList();
            if (content.isEmpty()) {
                return java.util.Optional.empty();
            }
            String shown = String.join(" ", content.subList(0, Math.min(LISTED, content.size())));
            return java.util.Optional.of(shown + (content.size() > LISTED ? " ... (" + content.size()
                    + " lines in " + report.getFileName() + ")" : ""));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty(); // the report is a detail; the check's name says enough
        }
    }
}
