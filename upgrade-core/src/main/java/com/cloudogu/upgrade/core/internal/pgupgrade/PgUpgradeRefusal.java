package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why {@code pg_upgrade} refused or failed, in its own words, on one line: the check that failed, the
 * first sentence of its explanation, and the objects it listed in its report file (the {@code reg*}
 * columns, the missing libraries); or, when it failed after its checks, the step and the error of the
 * log it points at (e.g. a function whose {@code SET} names a parameter the new major removed). Files
 * are read before the target, which holds them, is removed.
 *
 * @param reason the line for the log, the ladder's record and {@code status}
 */
public record PgUpgradeRefusal(String reason) {

    // 17: "Checking data type usage    failed check: Checking for reg* data types in user tables";
    // up to 16: "Checking for reg* data types in user tables                fatal"
    private static final Pattern FAILED_CHECK = Pattern.compile("failed check:\\s*(.+)$");
    private static final Pattern FATAL = Pattern.compile("^(Checking .+?)\\s+fatal$");
    private static final Pattern REPORT = Pattern.compile("(/\\S+\\.txt)\\s*$");
    // after the checks: "Consult the last few lines of "/.../log/pg_upgrade_dump_5.log" for"
    private static final Pattern CONSULT = Pattern.compile("Consult the last few lines of \"([^\"]+)\"");
    // pg_restore: "from TOC entry 214; 1255 16384 FUNCTION f() postgres"
    private static final Pattern TOC_ENTRY = Pattern.compile("from TOC entry \\d+; \\d+ \\d+ (.+)$");
    private static final int LISTED = 10;

    /**
     * @return whether the refusal is about the file system's cloning (pg_upgrade's clone test), not
     *     about the cluster
     */
    public boolean aboutCloning() {
        return reason.contains("could not clone file") || reason.contains("file cloning not supported");
    }

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
            Optional<String> during = failedStep(output, lines);
            String last = lastMeaningful(lines);
            parts.add(during.orElse(last.isEmpty() ? "pg_upgrade failed without a reason" : last));
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

    /**
     * A failure after the checks: the step before pg_upgrade's {@code *failure*} and the last error of
     * the log it names (pg_restore's, with the object it was creating).
     */
    private static Optional<String> failedStep(String output, List<String> lines) {
        int failure = lines.indexOf("*failure*");
        Matcher consult = CONSULT.matcher(output);
        if (failure < 0 || !consult.find()) {
            return Optional.empty();
        }
        String step = "pg_upgrade failed";
        for (int i = failure - 1; i >= 0; i--) {
            if (!lines.get(i).isEmpty()) {
                step = lines.get(i) + " failed";
                break;
            }
        }
        Path log = Path.of(consult.group(1));
        String error = null;
        String object = null;
        try {
            for (String line : Files.readAllLines(log)) {
                int at = line.indexOf("ERROR:");
                if (at >= 0 || line.contains(" error: ")) {
                    error = (at >= 0 ? line.substring(at) : line.substring(line.indexOf(" error: ") + 1))
                            .replaceAll("\\s+", " ");
                }
                Matcher toc = TOC_ENTRY.matcher(line);
                if (toc.find()) {
                    object = toc.group(1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the log is a detail: the step and the file's name still say where to look
        }
        return Optional.of(step + ": " + (error == null ? "see " + log.getFileName() : error)
                + (object == null ? "" : " (" + object + ", " + log.getFileName() + ")"));
    }

    private static String lastMeaningful(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (!l.isEmpty() && !l.equals("Failure, exiting") && !l.endsWith(" ok") && !l.startsWith("---")
                    && !l.startsWith("child process exited abnormally")) {
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
