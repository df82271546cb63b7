package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.core.internal.layout.OldCluster;
import java.util.Optional;

/**
 * What pre-upgrade asks a dump for, whatever the format.
 *
 * @param facts size and settings of the running old cluster
 * @param from version upgraded from (names the backup)
 * @param to version upgraded to
 * @param old where the dumped cluster lives on the volume, recorded in the manifest
 */
public record DumpRequest(RunningCluster.Facts facts, String from, String to, Optional<OldCluster> old) {
}
