package com.cloudogu.upgrade.core.restore;

import java.io.ByteArrayOutputStream;
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

    private final InputStream in;
    private final Pattern statement;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong linesDropped = new AtomicLong();
    private byte[] current = new byte[0];
    private int pos;
    private boolean eof;

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

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pos >= current.length) {
            if (eof || !nextLine()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean nextLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        if (c < 0) {
            eof = true;
        }
        byte[] bytes = line.toByteArray();
        bytesRead.addAndGet(bytes.length);
        if (bytes.length == 0) {
            return false;
        }
        if (bytes[0] == 'C' || bytes[0] == 'D' || bytes[0] == 'A') {
            String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
            if (statement.matcher(latin1).matches()) {
                linesDropped.incrementAndGet();
                bytes = ("-- dogu-upgrade: kept the new cluster's bootstrap superuser, skipped: "
                        + latin1.substring(0, latin1.indexOf(" ROLE ") + 5) + " ...\n").getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        current = bytes;
        pos = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
