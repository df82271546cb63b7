package com.cloudogu.upgrade.cli;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;

/**
 * The documented exit codes of {@code dogu-upgrade} (also in {@code docs/ERRORS.md}), and which
 * failure gets which: the full command line registers {@link #of(Throwable)} as picocli's exit code
 * exception mapper, and {@link HookFastPath} calls it directly.
 */
public final class ExitCodes {

    /** Success, including "nothing to do". */
    public static final int OK = 0;
    /** An unexpected internal error (a bug): please report it with the {@code --verbose} output. */
    public static final int INTERNAL = 1;
    /** Bad command line, version or setting; nothing was written. */
    public static final int USAGE = 2;
    /** The upgrade failed or was refused; the message says why and what to do. */
    public static final int FAILED = 3;
    /** Waiting for another phase (or a server) exceeded its timeout. */
    public static final int TIMEOUT = 4;
    /** Another phase holds the upgrade lock. */
    public static final int LOCKED = 5;

    private ExitCodes() {
    }

    /**
     * @param failure what ended a command
     * @return the exit code of an {@link UpgradeException}'s code; {@link #INTERNAL} for anything else
     */
    public static int of(Throwable failure) {
        return failure instanceof UpgradeException e ? of(e.code()) : INTERNAL;
    }

    /** @param code an error code @return its exit code */
    public static int of(ErrorCode code) {
        return switch (code) {
            case USAGE, INVALID_VERSION -> USAGE;
            case TIMEOUT -> TIMEOUT;
            case LOCKED -> LOCKED;
            default -> FAILED;
        };
    }
}
