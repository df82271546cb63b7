package com.cloudogu.upgrade.api.state;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;

/** The state store failed; the key's value is unknown (not "unset"). */
@Api(status = Api.Status.STABLE, since = "0.2")
public class StateStoreException extends UpgradeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, for which key, and what to do */
    public StateStoreException(String message) {
        super(ErrorCode.STATE_STORE, message);
    }

    /**
     * @param message what failed, for which key, and what to do
     * @param cause the underlying failure
     */
    public StateStoreException(String message, Throwable cause) {
        super(ErrorCode.STATE_STORE, message, cause);
    }
}
