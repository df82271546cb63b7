/**
 * File systems for tests that depend on the volume's file system: {@link
 * com.cloudogu.upgrade.testkit.volume.XfsVolume} mounts a small XFS image with reflink (copy-on-write
 * clones, what {@code pg_upgrade --clone} needs) from a loop device.
 */
package com.cloudogu.upgrade.testkit.volume;
