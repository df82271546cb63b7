package com.cloudogu.upgrade.api.event;

/**
 * Receives {@link UpgradeEvent}s, e.g. to drive a progress display or write JSON lines. Called on
 * the thread doing the work: return quickly. An exception thrown here is logged and ignored; it
 * never fails the upgrade.
 */
@FunctionalInterface
public interface UpgradeListener {

    /** @param event what happened */
    void onEvent(UpgradeEvent event);
}
