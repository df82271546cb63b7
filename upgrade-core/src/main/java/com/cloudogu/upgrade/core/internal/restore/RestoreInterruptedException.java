package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;

/**
 * A restore that did not end by an error in the backup but because its program or the temporary
 * server was killed or crashed (a signal, a lost connection). It is reported like any restore
 * failure ({@code DU-RESTORE}) but not recorded as a failed upgrade: like a crash of dogu-upgrade
 * itself, the next start restores again from a fresh cluster.
 */
public final class RestoreInterruptedException extends UpgradeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was interrupted and how */
    public RestoreInterruptedException(String message) {
        super(ErrorCode.RESTORE_FAILED, message);
    }

    /**
     * @param failure an exception, possibly wrapping others
     * @return whether it or one of its causes is a {@link RestoreInterruptedException}
     */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RestoreInterruptedException) {
                return true;
            }
        }
        return false;
    }
}
