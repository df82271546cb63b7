/**
 * Test support for dogu-upgrade: real PostgreSQL servers of several majors, sample data and cluster
 * fingerprints for before/after comparisons.
 *
 * <ul>
 *   <li>{@link com.cloudogu.upgrade.testkit.PostgresBinaries} resolves server binaries (zonky
 *       artifacts from Maven Central) and caches them unpacked.
 *   <li>{@link com.cloudogu.upgrade.testkit.PostgresServer} initializes and runs a server on those
 *       binaries as the unprivileged OS user {@code postgres} when the JVM runs as root.
 *   <li>{@link com.cloudogu.upgrade.testkit.ServerProviders} picks between the local binaries and
 *       Testcontainers (when Docker is available).
 *   <li>{@link com.cloudogu.upgrade.testkit.SampleData} and
 *       {@link com.cloudogu.upgrade.testkit.ClusterFingerprint} load a realistic cluster and prove
 *       that an upgrade kept it intact.
 *   <li>{@link com.cloudogu.upgrade.testkit.ClientTools} finds {@code psql}, {@code pg_dumpall} and
 *       friends from Debian's {@code postgresql-15}.
 * </ul>
 */
package com.cloudogu.upgrade.testkit;
