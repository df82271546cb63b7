package com.cloudogu.upgrade.api;

/**
 * The one exception type dogu-upgrade reports. Its message is a sentence a person can act on: what
 * happened, to which item, and what to do. It never contains a secret.
 */
@Api(status = Api.Status.STABLE, since = "0.2")
public class UpgradeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code the stable error code
     * @param message what happened and what to do
     */
    public UpgradeException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code the stable error code
     * @param message what happened and what to do
     * @param cause the underlying failure (kept for {@code --verbose})
     */
    public UpgradeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** @return the stable error code */
    public ErrorCode code() {
        return code;
    }
}
