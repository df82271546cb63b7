package com.cloudogu.upgrade.core.internal.phase;

import com.cloudogu.upgrade.core.internal.server.DataDirectory;

/**
 * What startup asks of the restore machinery: restore the recorded backup, say whether a migration
 * failed, tidy up after an interrupted run. A seam, so that startup's decisions around it (record the
 * failure or not, refuse, initialize) are tested without a server; production uses {@link #of}.
 */
interface StartupRestore {

    /** Verifies the recorded backup (if one is still recorded) and restores it with the pending migrations. */
    void restoreRecordedBackup();

    /** @return whether a migration (the restore itself among them) ended with an error in the last restore */
    boolean migrationFailed();

    /**
     * Stops a temporary server a killed run left behind and finishes removing what a completed restore
     * left behind.
     *
     * @param data {@code PGDATA}
     */
    void cleanUpAfterInterruption(DataDirectory data);

    /**
     * @param env the phase environment
     * @return the restore procedure with servers and client programs
     */
    static StartupRestore of(PhaseEnvironment env) {
        RestoreProcedure procedure = new RestoreProcedure(env);
        return new StartupRestore() {
            @Override
            public void restoreRecordedBackup() {
                procedure.verifyRecordedBackup().ifPresent(procedure::run);
            }

            @Override
            public boolean migrationFailed() {
                return procedure.migrationFailed();
            }

            @Override
            public void cleanUpAfterInterruption(DataDirectory data) {
                procedure.cleanUpAfterInterruption(data);
            }
        };
    }
}
