package com.cloudogu.upgrade.api.event;

import com.cloudogu.upgrade.api.Api;
/**
 * Receives {@link UpgradeEvent}s, e.g. to drive a progress display or write JSON lines. Called on
 * the thread doing the work: return quickly. An exception thrown here is logged and ignored; it
 * never fails the upgrade.
 */
@FunctionalInterface
@Api(status = Api.Status.STABLE, since = "0.2")
public interface UpgradeListener {

    /** @param event what happened */
    void onEvent(UpgradeEvent event);
}
