/**
 * Where clusters live on the dogu's data volume: the old cluster recorded by pre-upgrade, how its path
 * relates to the new image's {@code PGDATA} (same path, sibling, ancestor), creating a missing
 * {@code PGDATA}, and moving a cluster between layouts of the same major.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.layout;
