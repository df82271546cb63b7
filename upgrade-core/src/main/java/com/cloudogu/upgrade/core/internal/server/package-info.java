/**
 * Starting, initializing and inspecting local PostgreSQL clusters and their client tools.
 *
 * <p><b>Internal:</b> no compatibility promise. Types here may change or disappear in any release;
 * embed dogu-upgrade through {@link com.cloudogu.upgrade.core.DoguUpgrade} only.
 */
package com.cloudogu.upgrade.core.internal.server;
