package com.cloudogu.upgrade.core.internal.process;

import java.time.Duration;

/**
 * The outcome of a finished command.
 *
 * @param exitCode the exit code
 * @param stdout captured standard output (empty unless capture was requested)
 * @param stderrTail the last lines of standard error, redacted, for error messages
 * @param duration how long it ran
 * @param firstErrorBlock the first error line of standard error and the lines around it (redacted),
 *     empty if there was none; see {@link FirstError}
 */
public record ProcessResult(int exitCode, String stdout, String stderrTail, Duration duration, String firstErrorBlock) {

    /**
     * A result without a separately kept first error ({@link #firstErrorLine()} then reads the tail).
     *
     * @param exitCode the exit code
     * @param stdout captured standard output
     * @param stderrTail the last lines of standard error, redacted
     * @param duration how long it ran
     */
    public ProcessResult(int exitCode, String stdout, String stderrTail, Duration duration) {
        this(exitCode, stdout, stderrTail, duration, "");
    }

    /**
     * @return the first error the command reported, with its context and without statement text
     *     (redacted), e.g. {@code psql:<stdin>:97: ERROR: relation "lookup" does not exist; CONTEXT: SQL
     *     function "lk" during inlining}; the last line when there was no error line
     */
    public String firstErrorLine() {
        return FirstError.summarize(firstErrorBlock.isEmpty() ? stderrTail : firstErrorBlock);
    }

    /** @return the last line the command wrote to standard error (redacted), empty if none */
    public String lastErrorLine() {
        return lastLineOf(stderrTail);
    }

    /** @param text several lines @return the last non-blank line, trimmed */
    static String lastLineOf(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }

    /**
     * @return whether the command did not end by an error of its own but because it or its server was
     *     killed: an exit code of 128 or more (a signal), or the server's connection was lost (a
     *     crashed or stopped server). Such an end is a crash, not a failure: the next run starts over.
     */
    public boolean interrupted() {
        if (exitCode >= 128) {
            return true;
        }
        String err = stderrTail + "\n" + firstErrorBlock;
        return !succeeded() && (err.contains("server closed the connection unexpectedly")
                || err.contains("connection to server was lost")
                || err.contains("terminating connection due to administrator command")
                || err.contains("the database system is shutting down"));
    }

    /**
     * @return whether the command failed because a disk filled up ({@code No space left on device} on
     *     standard error): the caller says where space is needed, instead of reporting a plain failure
     */
    public boolean ranOutOfSpace() {
        return !succeeded() && stderrTail.contains("No space left on device");
    }

    /** @return whether the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
