package com.cloudogu.upgrade.core.internal.event;

import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.api.event.UpgradeListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands events to every listener; a listener that throws is logged and never fails the upgrade. */
public final class EventDispatcher implements UpgradeListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final List<UpgradeListener> listeners = new CopyOnWriteArrayList<>();

    /** @param listener to add */
    public void add(UpgradeListener listener) {
        listeners.add(listener);
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        for (UpgradeListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed on {}: {}", l.getClass().getName(), event.type(), e.toString());
            }
        }
    }
}
