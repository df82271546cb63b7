package com.cloudogu.upgrade.api.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened during a phase.
 *
 * @param type what kind of event
 * @param subject the phase name ({@code pre-upgrade}, ...) or migration id the event is about
 * @param at when it happened
 * @param duration how long the finished step took ({@link Duration#ZERO} for start events)
 * @param message a human-readable detail (never a secret); empty if none
 * @param bytesDone for {@link Type#PROGRESS}: bytes processed so far, else -1
 * @param bytesTotal for {@link Type#PROGRESS}: estimated total bytes, or -1 if unknown
 */
public record UpgradeEvent(Type type, String subject, Instant at, Duration duration, String message,
                           long bytesDone, long bytesTotal) {

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

    /** Validates the components. */
    public UpgradeEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(message, "message");
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
}
