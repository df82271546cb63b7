/**
 * The embedding API: everything a tool needs to run dogu-upgrade's phases, in one package.
 * {@link com.cloudogu.upgrade.core.DoguUpgrade} (built with its builder) runs the phases;
 * {@link com.cloudogu.upgrade.core.UpgradeSettings} (a builder) says where things are;
 * {@link com.cloudogu.upgrade.core.UpgradePlan}, {@link com.cloudogu.upgrade.core.UpgradeStatus},
 * {@link com.cloudogu.upgrade.core.CheckReport} and {@link com.cloudogu.upgrade.core.DiscoveredMigration}
 * are read models; listeners are {@link com.cloudogu.upgrade.api.event.UpgradeListener}s of the api.
 *
 * <p>Each type carries its stability ({@link com.cloudogu.upgrade.api.Api}). Read models are
 * {@code EXPERIMENTAL}: fields may be added. Everything under {@code com.cloudogu.upgrade.core.internal}
 * is internal, with no compatibility promise, even where it is public; an architecture test keeps
 * internal types out of this package's signatures.
 */
package com.cloudogu.upgrade.core;
