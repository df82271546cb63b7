package com.cloudogu.upgrade.core.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first error a PostgreSQL client program reported, as one line. psql and pg_restore stop at the
 * first error, but what they print last is its context ({@code CONTEXT: SQL function "lk" during
 * inlining}, {@code Command was: ...}), not the error; the cause is the first {@code ERROR:} line.
 *
 * <p>The line carries the error, its first {@code CONTEXT} and {@code HINT} lines, pg_restore's
 * {@code from TOC entry} (which object) and the statement's leading keywords up to the first quote or
 * parenthesis ({@code REFRESH MATERIALIZED VIEW public.mv}). Never the statement text itself
 * ({@code LINE n:}, {@code QUERY:}, the rest of {@code Command was:}) nor {@code DETAIL} (which
 * quotes row values): a failing {@code ALTER ROLE ... PASSWORD '...'} or {@code CREATE SUBSCRIPTION
 * ... CONNECTION '...password=...'} must not put the secret into an error message or the state store.
 */
public final class FirstError {

    /** A server error ({@code ERROR:  ...}) or a client error ({@code psql:<stdin>:12: error: ...}). */
    static final Pattern START = Pattern.compile("\\b(?:ERROR|FATAL|PANIC):\\s|^[\\w.-]+(?::[^:]*:\\d+)?: error: ");
    private static final Pattern TOC = Pattern.compile("from TOC entry .*");
    /** A new message of a program ({@code pg_restore: ...}); the server's labels are upper case. */
    private static final Pattern PROGRAM_LINE = Pattern.compile("^[a-z_][a-z0-9_.-]*(?::[^:]*:\\d+)?: ");
    private static final Pattern STATEMENT_START = Pattern.compile("^[A-Za-z0-9_.\" ]+");
    private static final int BLOCK_LINES = 16;

    private FirstError() {
    }

    /**
     * Keeps, from a stream of standard error lines, the first error with the lines around it that
     * {@link #summarize} reads. Thread-safe.
     */
    public static final class Collector {
        private final List<String> block = new ArrayList<>();
        private String lastTocLine;
        private boolean started;

        /** @param line one (redacted) line of standard error */
        public synchronized void accept(String line) {
            if (!started) {
                if (TOC.matcher(line).find()) {
                    lastTocLine = line;
                }
                if (START.matcher(line).find()) {
                    started = true;
                    if (lastTocLine != null) {
                        block.add(lastTocLine);
                    }
                    block.add(line);
                }
            } else if (block.size() < BLOCK_LINES) {
                block.add(line);
            }
        }

        /** @return the first error and the lines around it, empty if no error line was seen */
        public synchronized String text() {
            return String.join("\n", block);
        }
    }

    /**
     * @param stderr standard error lines (the collected block, or a tail)
     * @return the first error as one line with its context, or the last non-blank line when there is
     *     no error line (empty if there is nothing)
     */
    public static String summarize(String stderr) {
        List<String> lines = stderr.lines().toList();
        int first = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (START.matcher(lines.get(i)).find()) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return ProcessResult.lastLineOf(stderr);
        }
        StringBuilder out = new StringBuilder(oneLine(lines.get(first)));
        String context = null;
        String hint = null;
        String statement = null;
        for (int i = first + 1; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (START.matcher(l).find() || PROGRAM_LINE.matcher(l).find()) {
                break; // the next message
            }
            if (context == null && l.startsWith("CONTEXT:")) {
                context = oneLine(l);
            } else if (hint == null && l.startsWith("HINT:")) {
                hint = oneLine(l);
            } else if (statement == null && l.startsWith("Command was:")) {
                statement = statementStart(l.substring("Command was:".length()));
            }
        }
        if (context != null) {
            out.append("; ").append(context);
        }
        if (hint != null) {
            out.append("; ").append(hint);
        }
        if (statement != null && !statement.isEmpty()) {
            out.append("; statement: ").append(statement);
        }
        for (int i = first - 1; i >= 0; i--) {
            Matcher toc = TOC.matcher(lines.get(i));
            if (toc.find()) {
                out.append("; ").append(oneLine(toc.group()));
                break;
            }
        }
        return out.toString();
    }

    /** @param sql a statement @return its leading words up to the first literal, parenthesis or end of line */
    static String statementStart(String sql) {
        Matcher m = STATEMENT_START.matcher(sql.strip());
        return m.find() ? oneLine(m.group()) : "";
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
