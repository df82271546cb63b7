/**
 * Compatibility checks: before pre-upgrade writes anything, catalog queries on the running old
 * cluster find what a restore into the new PostgreSQL major would refuse (as {@code pg_upgrade
 * --check} does). {@link com.cloudogu.upgrade.core.internal.check.BuiltinChecks} lists them;
 * docs/CHECKS.md explains each.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.check;
