package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.nio.file.Path;

/**
 * What the formats dump and restore with.
 *
 * @param backupDirectory where backups are written
 * @param clientTools the client programs on {@code PATH}
 * @param runner runs them
 * @param owner the database OS user, owner of every backup
 * @param listener receives progress
 * @param jobs jobs of the formats that run several (at least 1)
 * @param installation the server installation on {@code PATH}, looked up when first needed
 * @param pgUpgradeMode the pg_upgrade mode asked for
 * @param pgUpgradeRollback link mode's rollback asked for
 * @param superuserPassword the bootstrap superuser's password from the state store, if set; never logged
 */
public record FormatTools(Path backupDirectory, ClientTools clientTools, ProcessRunner runner, ServerOwner owner,
                          UpgradeListener listener, int jobs,
                          java.util.function.Supplier<com.cloudogu.upgrade.core.internal.server.PostgresInstallation> installation,
                          com.cloudogu.upgrade.core.PgUpgradeMode pgUpgradeMode,
                          com.cloudogu.upgrade.core.PgUpgradeRollback pgUpgradeRollback,
                          java.util.function.Supplier<java.util.Optional<String>> superuserPassword) {
}
