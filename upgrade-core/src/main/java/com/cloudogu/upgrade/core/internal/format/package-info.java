/**
 * The backup formats: how a full backup is dumped in the old container, verified, restored into the
 * fresh cluster in the new container, and removed — one {@link com.cloudogu.upgrade.core.internal.format.BackupFormat}
 * per format, chosen once ({@link com.cloudogu.upgrade.core.internal.format.BackupFormats}). Layering:
 * phase → format → restore → backup → server/state → process; a format composes a dumper (backup) and
 * a restorer (restore), which know nothing of each other.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.format;
