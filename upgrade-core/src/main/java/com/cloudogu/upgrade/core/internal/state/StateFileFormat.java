package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.state.StateStoreException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk format of a {@link FileStateStore}, version 1:
 *
 * <pre>
 * # dogu-upgrade state store, format 1
 * local_state=upgrading
 * migration_backup_path=/var/lib/postgresql/backup/cluster.sql
 * # sha256 3f2a...(64 hex digits)
 * </pre>
 *
 * <p>The first line names the format version, so a later version can read old files and an old
 * version refuses a newer file instead of misreading it. Entries use {@link Properties} escaping
 * (readable with {@code Properties.load}), sorted by key, with every character outside printable
 * ASCII written as {@code \\uXXXX}: the file is plain ASCII and any value round-trips. The last line
 * is the SHA-256 of all bytes above it, so a truncated or edited file is detected instead of being
 * read as a store with fewer keys.
 */
final class StateFileFormat {

    static final int VERSION = 1;
    private static final String HEADER_PREFIX = "# dogu-upgrade state store, format ";
    private static final String CHECKSUM_PREFIX = "# sha256 ";
    private static final Pattern HEADER = Pattern.compile(Pattern.quote(HEADER_PREFIX) + "([0-9]{1,9})");
    private static final Pattern CHECKSUM = Pattern.compile(Pattern.quote(CHECKSUM_PREFIX) + "([0-9a-f]{64})");

    private StateFileFormat() {
    }

    /**
     * @param entries the keys and values
     * @return the file content
     */
    static byte[] encode(Map<String, String> entries) {
        StringBuilder text = new StringBuilder();
        text.append(HEADER_PREFIX).append(VERSION).append('\n');
        new TreeMap<>(entries).forEach((key, value) -> {
            escape(key, true, text);
            text.append('=');
            escape(value, false, text);
            text.append('\n');
        });
        byte[] body = text.toString().getBytes(StandardCharsets.US_ASCII);
        text.append(CHECKSUM_PREFIX).append(sha256(body)).append('\n');
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param content the file content
     * @param file the file, for messages
     * @return the keys and values
     * @throws StateStoreException if the content is not an intact file of this format
     */
    static SortedMap<String, String> decode(byte[] content, Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupted(file, "it is not text");
        }
        if (!text.endsWith("\n")) {
            throw corrupted(file, content.length == 0 ? "it is empty" : "it does not end with a complete line");
        }
        int firstBreak = text.indexOf('\n');
        Matcher header = HEADER.matcher(text.substring(0, firstBreak));
        if (!header.matches()) {
            throw corrupted(file, "its first line is not '" + HEADER_PREFIX + VERSION + "'");
        }
        int version = Integer.parseInt(header.group(1));
        if (version != VERSION) {
            throw new StateStoreException("State file " + file + " has format " + version + ", but this dogu-upgrade"
                    + " reads format " + VERSION + " only. Use the dogu-upgrade version that wrote it.");
        }
        int lastLineStart = text.lastIndexOf('\n', text.length() - 2) + 1;
        if (lastLineStart <= firstBreak) {
            throw corrupted(file, "its checksum line is missing");
        }
        Matcher checksum = CHECKSUM.matcher(text.substring(lastLineStart, text.length() - 1));
        if (!checksum.matches()) {
            throw corrupted(file, "its last line is not the checksum line ('" + CHECKSUM_PREFIX + "...')");
        }
        // content is ASCII up to here only if it was written by encode(); hash the exact bytes
        byte[] body = text.substring(0, lastLineStart).getBytes(StandardCharsets.UTF_8);
        if (!sha256(body).equals(checksum.group(1))) {
            throw corrupted(file, "its checksum does not match its content");
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text.substring(firstBreak + 1, lastLineStart)));
        } catch (IOException | IllegalArgumentException e) {
            throw corrupted(file, "an entry cannot be read (" + e.getMessage() + ")");
        }
        SortedMap<String, String> entries = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> entries.put(k, properties.getProperty(k)));
        return entries;
    }

    private static StateStoreException corrupted(Path file, String why) {
        return new StateStoreException("State file " + file + " is corrupted: " + why + ". It is not reset"
                + " automatically because it may record an upgrade in progress: repair it (restore it from a backup,"
                + " or fix the content and the '" + CHECKSUM_PREFIX.strip() + "' line, the SHA-256 of all lines above"
                + " it) or remove it to start with an empty state.");
    }

    /** Escapes like {@link Properties#store(java.io.OutputStream, String)}. */
    private static void escape(String s, boolean isKey, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ' -> out.append(i == 0 || isKey ? "\\ " : " ");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
