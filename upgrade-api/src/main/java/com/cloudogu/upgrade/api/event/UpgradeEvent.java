package com.cloudogu.upgrade.api.event;

import com.cloudogu.upgrade.api.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened during a phase. Events are made by the engine and read by
 * {@link UpgradeListener}s; a final class with factories rather than a record, so that a new field
 * never breaks a listener.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public final class UpgradeEvent {

    /** The kinds of events. */
    public enum Type {
        /** A phase began. */
        PHASE_STARTED,
        /** A phase ended successfully. */
        PHASE_FINISHED,
        /** A phase failed; {@code message} holds the reason. */
        PHASE_FAILED,
        /** A migration began. */
        MIGRATION_STARTED,
        /** A migration ended successfully. */
        MIGRATION_FINISHED,
        /** A migration was skipped; {@code message} says why. */
        MIGRATION_SKIPPED,
        /** A migration failed; {@code message} holds the reason. */
        MIGRATION_FAILED,
        /** A step within a phase, e.g. "backup written". */
        STEP,
        /** Progress of a long step such as a dump or restore. */
        PROGRESS
    }

    private final Type type;
    private final String subject;
    private final Instant at;
    private final Duration duration;
    private final String message;
    private final long bytesDone;
    private final long bytesTotal;

    private UpgradeEvent(Type type, String subject, Instant at, Duration duration, String message, long bytesDone,
                         long bytesTotal) {
        this.type = Objects.requireNonNull(type, "type");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.at = Objects.requireNonNull(at, "at");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.message = Objects.requireNonNull(message, "message");
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
    }

    /**
     * @param type the kind of event
     * @param subject phase name or migration id
     * @param duration how long the step took
     * @param message detail text
     * @return an event stamped now, without progress figures
     */
    public static UpgradeEvent of(Type type, String subject, Duration duration, String message) {
        return new UpgradeEvent(type, subject, Instant.now(), duration, message, -1, -1);
    }

    /**
     * @param subject the long step, e.g. {@code dump}
     * @param duration how long it has run so far
     * @param message the figures in words, e.g. {@code 10.0 MiB of ~20.0 MiB (50%)}
     * @param bytesDone bytes processed so far
     * @param bytesTotal estimated total bytes, -1 if unknown
     * @return a {@link Type#PROGRESS} event stamped now
     */
    public static UpgradeEvent progress(String subject, Duration duration, String message, long bytesDone,
                                        long bytesTotal) {
        return new UpgradeEvent(Type.PROGRESS, subject, Instant.now(), duration, message, bytesDone, bytesTotal);
    }

    /**
     * @param time another time stamp, e.g. a fixed one in a test
     * @return this event stamped at {@code time}
     */
    public UpgradeEvent stampedAt(Instant time) {
        return new UpgradeEvent(type, subject, time, duration, message, bytesDone, bytesTotal);
    }

    /** @return what kind of event */
    public Type type() {
        return type;
    }

    /** @return the phase name ({@code pre-upgrade}, ...) or migration id the event is about */
    public String subject() {
        return subject;
    }

    /** @return when it happened */
    public Instant at() {
        return at;
    }

    /** @return how long the finished step took ({@link Duration#ZERO} for start events) */
    public Duration duration() {
        return duration;
    }

    /** @return a human-readable detail (never a secret); empty if none */
    public String message() {
        return message;
    }

    /** @return for {@link Type#PROGRESS}: bytes processed so far, else -1 */
    public long bytesDone() {
        return bytesDone;
    }

    /** @return for {@link Type#PROGRESS}: estimated total bytes, or -1 if unknown (and for other types) */
    public long bytesTotal() {
        return bytesTotal;
    }

    @Override
    public String toString() {
        return type + " " + subject + (message.isEmpty() ? "" : ": " + message);
    }
}
