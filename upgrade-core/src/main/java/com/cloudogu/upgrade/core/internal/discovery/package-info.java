/**
 * The one discovery loop every SPI shares ({@link com.cloudogu.upgrade.core.internal.discovery.ServiceDiscovery}
 * on {@code ServiceLoader.stream()}), and the index that names the jar listing each provider.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.discovery;
