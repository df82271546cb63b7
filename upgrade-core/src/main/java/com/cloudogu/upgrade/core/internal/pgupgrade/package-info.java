/**
 * The pieces of the pg_upgrade method (issue 14): carrying the old image's PostgreSQL installation
 * and its shared-library closure over the data volume, so that post-upgrade in the new image, which
 * has only the new binaries, can run {@code pg_upgrade} with the old ones.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.pgupgrade;
