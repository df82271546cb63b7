package com.cloudogu.upgrade.core.process;

import java.time.Duration;

/**
 * The outcome of a finished command.
 *
 * @param exitCode the exit code
 * @param stdout captured standard output (empty unless capture was requested)
 * @param stderrTail the last lines of standard error, redacted, for error messages
 * @param duration how long it ran
 */
public record ProcessResult(int exitCode, String stdout, String stderrTail, Duration duration) {

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

    /** @return whether the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
