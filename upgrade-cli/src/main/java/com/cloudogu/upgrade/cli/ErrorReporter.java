package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Reports a failed command on stderr, the same way on the full command line and on
 * {@link HookFastPath}: one line that tools and the hook scripts match on,
 * {@code dogu-upgrade: error [DU-X]: <message> (see docs/ERRORS.md#du-x)}, or for anything that is not
 * an {@link UpgradeException} (a bug) {@code dogu-upgrade: internal error: ...}; with {@code --verbose}
 * followed by the stack trace. The shell path of the launcher ({@code launcher.sh}, {@code du_fail})
 * prints the same format. Exit codes are {@link ExitCodes}' business, not this class's.
 */
final class ErrorReporter {

    /** The reference page, relative to the repository root, with one anchor per {@link ErrorCode}. */
    static final String REFERENCE = "docs/ERRORS.md";

    private final boolean verbose;

    /** @param verbose whether to add the stack trace */
    ErrorReporter(boolean verbose) {
        this.verbose = verbose;
    }

    /** @param failure what ended the command @param err stderr of the full command line */
    void report(Exception failure, PrintWriter err) {
        err.println(line(failure));
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
    }

    /** @param failure what ended the command @param err stderr of the fast path */
    void report(Exception failure, PrintStream err) {
        err.println(line(failure));
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
    }

    /** @param failure what ended the command @return the error line, without a line break */
    String line(Exception failure) {
        if (failure instanceof UpgradeException e) {
            return "dogu-upgrade: error [" + e.code().code() + "]: " + e.getMessage() + " (see " + reference(e.code()) + ")";
        }
        return "dogu-upgrade: internal error: " + failure + (verbose ? "" : " (rerun with --verbose for details)");
    }

    /**
     * @param code an error code
     * @return where it is explained, e.g. {@code docs/ERRORS.md#du-restore}: the anchor GitHub and
     *         other Markdown renderers give the heading {@code DU-RESTORE}
     */
    static String reference(ErrorCode code) {
        return REFERENCE + "#" + code.code().toLowerCase(Locale.ROOT);
    }
}
