/**
 * Restoring a backup into a fresh cluster in the new container, and disposing of the old cluster afterwards.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.restore;
