/**
 * The migration SPI. A third party implements {@link com.cloudogu.upgrade.api.migration.Migration},
 * lists it in {@code META-INF/services} and drops the jar into the plugins directory.
 */
package com.cloudogu.upgrade.api.migration;
