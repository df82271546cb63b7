/**
 * Complete PostgreSQL installations (server and all client tools, {@code pg_upgrade} included) from
 * Debian's packages, for tests of pg_upgrade-based upgrades: {@link
 * com.cloudogu.upgrade.testkit.install.DebianInstallations} fetches 13, 15, 17 and 18 with a private
 * apt configuration, makes them run on the host with their own glibc, and caches them per major and
 * suite; {@link com.cloudogu.upgrade.testkit.install.PostgresInstallation} describes one.
 */
package com.cloudogu.upgrade.testkit.install;
