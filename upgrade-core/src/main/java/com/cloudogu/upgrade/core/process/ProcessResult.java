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

    /** @return whether the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
