package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends every {@link UpgradeEvent} to a file as one JSON object per line (format 1, documented in
 * {@code docs/EVENTS.md}), so a tool can follow an upgrade with {@code tail -F} and a JSON parser.
 *
 * <p>Each line is written with a single {@code write} to a file opened for appending and flushed at
 * once, so lines of several phases (or processes) writing the same file do not interleave.
 * Every line has the same fields; those that do not apply are {@code null}:
 * {@code format, at, pid, phase, type, subject, durationMs, message, bytesDone, bytesTotal}.
 * Messages are the events' own, which never hold a secret.
 */
final class JsonLinesEventWriter implements UpgradeListener {

    /** The version of the line format; bumped only by an incompatible change. */
    static final int FORMAT = 1;

    private final Path file;
    private final OutputStream out;
    private final long pid = ProcessHandle.current().pid();
    private String phase;

    private JsonLinesEventWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens (creating if needed) the file for appending.
     *
     * @param file the events file; its directory must exist
     * @return the writer; it stays open until the JVM exits
     * @throws UpgradeException with {@link ErrorCode#USAGE} if the file cannot be opened
     */
    static JsonLinesEventWriter open(Path file) {
        try {
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new JsonLinesEventWriter(file, out);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UpgradeException(ErrorCode.USAGE, "Cannot open the events file " + file + " for appending: " + e
                    + ". Point the events file setting at a writable file in an existing directory.", e);
        }
    }

    @Override
    public synchronized void onEvent(UpgradeEvent event) {
        if (event.type() == UpgradeEvent.Type.PHASE_STARTED) {
            phase = event.subject();
        }
        byte[] line = (line(event, phase, pid) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(line);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the events file " + file, e);
        }
        if (event.type() == UpgradeEvent.Type.PHASE_FINISHED || event.type() == UpgradeEvent.Type.PHASE_FAILED) {
            phase = null;
        }
    }

    /**
     * @param event the event
     * @param phase the phase it happened in, or null outside a phase
     * @param pid the process id of the CLI
     * @return the event as one JSON object, without a line break
     */
    static String line(UpgradeEvent event, String phase, long pid) {
        boolean progress = event.type() == UpgradeEvent.Type.PROGRESS;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("at", event.at().truncatedTo(ChronoUnit.MILLIS).toString());
        m.put("pid", pid);
        m.put("phase", phase);
        m.put("type", event.type().name());
        m.put("subject", event.subject());
        m.put("durationMs", event.duration().toMillis());
        m.put("message", event.message());
        m.put("bytesDone", progress && event.bytesDone() >= 0 ? event.bytesDone() : null);
        m.put("bytesTotal", progress && event.bytesTotal() >= 0 ? event.bytesTotal() : null);
        return Json.value(m);
    }
}
