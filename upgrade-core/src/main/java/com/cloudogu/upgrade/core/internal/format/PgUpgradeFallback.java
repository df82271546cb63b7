package com.cloudogu.upgrade.core.internal.format;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.event.UpgradeEvent;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.MethodRecord;
import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import com.cloudogu.upgrade.core.internal.pgupgrade.FallbackLadder;
import com.cloudogu.upgrade.core.internal.pgupgrade.FallbackLadder.Rung;
import com.cloudogu.upgrade.core.internal.pgupgrade.InstallationProbe;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldClusterDump;
import com.cloudogu.upgrade.core.internal.pgupgrade.OldServer;
import com.cloudogu.upgrade.core.internal.pgupgrade.RollbackDump;
import com.cloudogu.upgrade.core.internal.restore.DumpRestore;
import com.cloudogu.upgrade.core.internal.restore.RestoreInterruptedException;
import com.cloudogu.upgrade.core.internal.server.RestoreSettings;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the {@link FallbackLadder} below pg_upgrade once it refused in its checks or failed after them:
 * the old cluster is as it was (link mode's renamed {@code pg_control} is back), the target untouched
 * or, after a failure past the checks, initialized afresh. Rung 2 starts the carried-over old server on the old
 * cluster (read-only, private socket), dumps it with this image's {@code pg_dumpall} into pg_upgrade's
 * work directory, stops it, and restores the dump with the plain format's restore; rung 3 restores the
 * pre-upgrade dump, if there is one, with its own format. Each step down writes one log line naming the
 * next rung and why, an event, and the cluster's {@link MethodRecord}. A kill anywhere leaves nothing
 * that the next attempt keeps: it clears the work directory, stops a leftover old server, and starts
 * from a fresh target, so rung 2's dump is simply taken again.
 */
final class PgUpgradeFallback {

    private static final Logger LOG = LoggerFactory.getLogger(PgUpgradeFallback.class);
    /**
     * The old server only serves the dump: nothing may change the old cluster, its WAL must not be
     * archived from here, and without TCP it needs no TLS (whose files may have stayed in the old image).
     */
    private static final Map<String, String> DUMP_SOURCE = Map.of("default_transaction_read_only", "on",
            "archive_mode", "off", "ssl", "off");

    private final FormatTools tools;

    /** @param tools what the formats share */
    PgUpgradeFallback(FormatTools tools) {
        this.tools = tools;
    }

    /**
     * What pg_upgrade's refusal left to go on with.
     *
     * @param checkedMode the mode pg_upgrade ran in
     * @param reason pg_upgrade's reason
     * @param duringUpgrade whether it failed after its checks (the target was replaced by a fresh one since)
     *     rather than refusing in them
     */
    record Refusal(PgUpgradeMode checkedMode, String reason, boolean duringUpgrade) {

        /** @return the reason as the log, the method record and {@code status} give it */
        String why() {
            return duringUpgrade ? "pg_upgrade (" + checkedMode + ") failed after its checks: " + reason
                    : "pg_upgrade (" + checkedMode + ") refused: " + reason;
        }
    }

    /**
     * @param refusal why pg_upgrade refused
     * @param old the probed old installation
     * @param oldData the old cluster, cleanly shut down
     * @param backup the published carried-over installation
     * @param manifest its manifest
     * @param server the temporary server on the untouched fresh target
     * @param work pg_upgrade's work directory, cleared at the start of every attempt
     * @throws UpgradeException when no rung is left, with the last rung's reason
     */
    void afterRefusal(Refusal refusal, InstallationProbe old, Path oldData, Path backup, BackupManifest manifest,
                      TemporaryServer server, Path work) {
        Path target = server.dataDirectory().path();
        removeCheckReport(target);
        Optional<RollbackDump> preUpgradeDump = recordedDump(backup);
        String why = refusal.why();
        Rung rung = FallbackLadder.next(Rung.PG_UPGRADE, new FallbackLadder.Failure(false, false,
                preUpgradeDump.isPresent())).orElseThrow();
        while (true) {
            stepDown(rung, why, refusal.checkedMode(), manifest, target);
            try {
                if (rung == Rung.OLD_SERVER_DUMP) {
                    oldServerDump(old, oldData, manifest, server, work);
                } else {
                    preUpgradeDump(preUpgradeDump.orElseThrow(), server);
                }
                return;
            } catch (RungFailed e) {
                Optional<Rung> next = FallbackLadder.next(rung, new FallbackLadder.Failure(false, e.targetTouched,
                        preUpgradeDump.isPresent()));
                if (next.isEmpty()) {
                    throw e.cause;
                }
                why = rung + " failed: " + e.cause.getMessage();
                rung = next.get();
            }
        }
    }

    /**
     * Rung 3 straight away: the carried-over installation cannot be used here, so neither pg_upgrade nor
     * the old server can run, and the pre-upgrade dump (verified by the caller) restores instead.
     *
     * @param why why the copy cannot be used
     * @param requested the mode asked for, for the record
     * @param backup the published copy, which records the dump
     * @param manifest its manifest
     * @param server the temporary server on the fresh target
     */
    void withoutTheCopy(String why, PgUpgradeMode requested, Path backup, BackupManifest manifest,
                        TemporaryServer server) {
        RollbackDump dump = recordedDump(backup).orElseThrow(() -> new UpgradeException(ErrorCode.RESTORE_FAILED,
                "The carried-over installation " + backup + " cannot be used (" + why + ") and it records no"
                        + " pre-upgrade dump. Run 'dogu-upgrade abort' and upgrade again."));
        stepDown(Rung.PRE_UPGRADE_DUMP, "the carried-over installation cannot be used: " + why, requested, manifest,
                server.dataDirectory().path());
        try {
            preUpgradeDump(dump, server);
        } catch (RungFailed e) {
            throw e.cause;
        }
    }

    private void stepDown(Rung rung, String why, PgUpgradeMode checkedMode, BackupManifest manifest, Path target) {
        String line = FallbackLadder.stepLine(rung, why);
        LOG.warn("{}", line);
        tools.listener().onEvent(UpgradeEvent.of(UpgradeEvent.Type.STEP, "upgrade-method", Duration.ZERO, line));
        new MethodRecord("pg-upgrade", rung.number(), checkedMode.toString(), rung.description(), why, manifest.from(),
                manifest.to()).writeQuietlyTo(target);
    }

    /** Rung 2: the old server here, this image's pg_dumpall, the plain format's restore. */
    private void oldServerDump(InstallationProbe old, Path oldData, BackupManifest manifest, TemporaryServer server,
                               Path work) {
        Path dumps = work.resolve("fallback");
        OldClusterDump dump;
        try {
            FallbackLadder.requireSpaceForOldServerDump(work, free(work), manifest.sourceClusterBytes());
            try (OldServer oldServer = OldServer.start(old, oldData, tools.owner(), tools.runner(),
                    dumps.resolve("old-server.log"), DUMP_SOURCE)) {
                Checkpoint.PG_UPGRADE_FALLBACK_OLD_SERVER_STARTED.reach();
                dump = OldClusterDump.write(oldServer, server.superuser(), tools.clientTools(), tools.runner(),
                        tools.owner(), dumps);
            }
            Checkpoint.PG_UPGRADE_FALLBACK_DUMPED.reach();
        } catch (UpgradeException e) {
            throw new RungFailed(e, false); // the target got nothing yet
        }
        try {
            withRestoreSettings(server);
            new DumpRestore(server, tools.clientTools(), tools.runner(), tools.listener())
                    .restore(dump.file(), dump.size(), dump.toolVersion());
        } catch (RestoreInterruptedException e) {
            throw e;
        } catch (UpgradeException e) {
            throw new RungFailed(new UpgradeException(e.code(), e.getMessage() + " The restore target is discarded; the"
                    + " next attempt starts from a fresh cluster.", e), true);
        }
        try {
            BackupFiles.deleteTree(dumps); // restored: the dump's space is the volume's again
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dumps, e.getMessage());
        }
    }

    /** The pre-upgrade dump the copy records, if it exists; an unreadable record only means no last rung. */
    static Optional<RollbackDump> recordedDump(Path backup) {
        try {
            return RollbackDump.of(backup).filter(d -> Files.isRegularFile(d.file()));
        } catch (UpgradeException e) {
            LOG.warn("no pre-upgrade dump as the last rung: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Rung 3: the pre-upgrade dump, verified and restored by the format that wrote it. */
    private void preUpgradeDump(RollbackDump recorded, TemporaryServer server) {
        Path dump = recorded.file();
        BackupManifest manifest;
        BackupFormat format;
        try {
            manifest = recorded.manifest(); // the format below verifies the dump itself
            format = BackupManifest.FORMAT_PARALLEL.equals(manifest.format()) ? new ParallelFormat(tools)
                    : new PlainFormat(tools);
            format.verify(dump, manifest);
        } catch (UpgradeException e) {
            throw new RungFailed(e, false);
        }
        try {
            withRestoreSettings(server);
            format.restore(dump, manifest, server);
        } catch (RestoreInterruptedException e) {
            throw e;
        } catch (UpgradeException e) {
            throw new RungFailed(e, true);
        }
    }

    /** A restore target runs with restore-time settings until it is promoted (the procedure restarts it then). */
    private void withRestoreSettings(TemporaryServer server) {
        server.restartWith(RestoreSettings.forRestore(tools.jobs()), () -> { });
    }

    /** pg_upgrade --check leaves its report in the new cluster; read by now, it has no place in the target. */
    private static void removeCheckReport(Path target) {
        try {
            BackupFiles.deleteTree(target.resolve("pg_upgrade_output.d"));
        } catch (IOException e) {
            LOG.warn("could not remove pg_upgrade's report from {}: {}", target, e.getMessage());
        }
    }

    private static long free(Path dir) {
        try {
            Path existing = dir;
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the dump itself meet a full volume, as it would anyway
        }
    }

    /** A rung's failure, and whether the fresh target already received data. */
    private static final class RungFailed extends RuntimeException {
        private final UpgradeException cause;
        private final boolean targetTouched;

        RungFailed(UpgradeException cause, boolean targetTouched) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
            this.targetTouched = targetTouched;
        }
    }
}
