package com.cloudogu.upgrade.api.migration;

import com.cloudogu.upgrade.api.Api;
import java.nio.file.Path;

/** A verified full backup waiting to be restored into the fresh cluster of the new major. */
@Api(status = Api.Status.STABLE, since = "0.2")
public interface PendingRestore {

    /** @return the backup file */
    Path file();

    /**
     * Restores the backup into the running (fresh) cluster, stopping at the first error. The
     * bootstrap superuser's own statements are filtered so its current password is kept.
     *
     * @throws Exception if the restore failed; the cluster is then re-initialized on the next try
     */
    void restore() throws Exception;

    /**
     * Marks the restore done: clears the backup path in the state store and removes or keeps the
     * backup according to the retention setting. Call only after {@link #restore()} succeeded.
     *
     * @throws Exception if the state could not be updated
     */
    void complete() throws Exception;
}
