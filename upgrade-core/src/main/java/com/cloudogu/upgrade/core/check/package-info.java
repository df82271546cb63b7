/**
 * Compatibility checks: before pre-upgrade writes anything, catalog queries on the running old
 * cluster find what a restore into the new PostgreSQL major would refuse (as {@code pg_upgrade
 * --check} does). {@link com.cloudogu.upgrade.core.check.BuiltinChecks} lists them;
 * docs/CHECKS.md explains each.
 */
package com.cloudogu.upgrade.core.check;
