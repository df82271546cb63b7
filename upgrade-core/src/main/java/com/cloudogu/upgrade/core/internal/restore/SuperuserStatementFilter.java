package com.cloudogu.upgrade.core.internal.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Streams a {@code pg_dumpall} script while dropping exactly the statements that drop, create or
 * alter the attributes (including the password) of the bootstrap superuser, so the new cluster's
 * superuser and its password survive the restore. The name must match exactly, quoted or not: a
 * role whose name merely starts with it is kept. {@code ALTER ROLE ... SET} (settings) is kept.
 * Lines are compared as bytes (ISO-8859-1 view), so any dump encoding passes through unchanged.
 */
public final class SuperuserStatementFilter extends InputStream {

    // A statement about a role is far shorter; a longer line (table data) is never one.
    private static final int CANDIDATE_MAX = 8192;

    private final InputStream in;
    private final Pattern statement;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong linesDropped = new AtomicLong();
    // Unread input is buf[start, end); lines are scanned in place, only candidate lines become strings.
    private final byte[] buf = new byte[1 << 16];
    private int start;
    private int end;
    private boolean inputEof;
    private boolean atLineStart = true;
    private byte[] replacement;
    private int replacementPos;

    /**
     * @param in the dump
     * @param superuser the bootstrap superuser's name
     */
    public SuperuserStatementFilter(InputStream in, String superuser) {
        this.in = in;
        String utf8AsLatin1 = new String(superuser.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String quoted = "\"" + utf8AsLatin1.replace("\"", "\"\"") + "\"";
        String name = "(?:" + Pattern.quote(quoted)
                + (utf8AsLatin1.matches("[a-z_][a-z0-9_$]*") ? "|" + Pattern.quote(utf8AsLatin1) : "") + ")";
        this.statement = Pattern.compile("^(?:CREATE ROLE " + name + ";|DROP ROLE (?:IF EXISTS )?" + name + ";|ALTER ROLE "
                + name + " WITH .*;)\\r?\\n?$");
    }

    /** @return bytes of the dump consumed so far (for progress) */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** @return how many statements were dropped */
    public long statementsDropped() {
        return linesDropped.get();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** Fills {@code b} as far as the input allows (few large writes to psql instead of one per line). */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        long consumed = 0;
        while (n < len) {
            if (replacement != null) {
                int k = Math.min(len - n, replacement.length - replacementPos);
                System.arraycopy(replacement, replacementPos, b, off + n, k);
                n += k;
                replacementPos += k;
                if (replacementPos == replacement.length) {
                    replacement = null;
                }
                continue;
            }
            if (start == end && !fill(false)) {
                break;
            }
            if (atLineStart && (buf[start] == 'C' || buf[start] == 'D' || buf[start] == 'A')) {
                int nl = indexOfNewline(start, Math.min(end, start + CANDIDATE_MAX));
                if (nl < 0 && end - start < CANDIDATE_MAX && !inputEof) {
                    fill(true); // need the whole line to decide
                    continue;
                }
                if (nl >= 0 || end - start < CANDIDATE_MAX) {
                    int lineEnd = nl >= 0 ? nl + 1 : end;
                    String latin1 = new String(buf, start, lineEnd - start, StandardCharsets.ISO_8859_1);
                    if (statement.matcher(latin1).matches()) {
                        linesDropped.incrementAndGet();
                        consumed += lineEnd - start;
                        start = lineEnd;
                        replacement = ("-- dogu-upgrade: kept the new cluster's bootstrap superuser, skipped: "
                                + latin1.substring(0, latin1.indexOf(" ROLE ") + 5) + " ...\n")
                                .getBytes(StandardCharsets.ISO_8859_1);
                        replacementPos = 0;
                        continue;
                    }
                }
            }
            // Ordinary bytes: up to and including the next newline, as far as b has room.
            int limit = Math.min(end, start + (len - n));
            int nl = indexOfNewline(start, limit);
            int stop = nl >= 0 ? nl + 1 : limit;
            System.arraycopy(buf, start, b, off + n, stop - start);
            n += stop - start;
            consumed += stop - start;
            start = stop;
            atLineStart = nl >= 0;
        }
        bytesRead.addAndGet(consumed);
        return n == 0 ? -1 : n;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param keep keep the unread bytes (moved to the front) and append
     * @return false at the end of the input with nothing buffered
     */
    private boolean fill(boolean keep) throws IOException {
        if (!keep || start == end) {
            start = 0;
            end = 0;
        } else if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int r = in.read(buf, end, buf.length - end);
        if (r < 0) {
            inputEof = true;
            return end > start;
        }
        end += r;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
