package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.backup.BackupManifest;
import com.cloudogu.upgrade.core.internal.backup.BackupVerifier;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The plain {@code pg_dumpall} backup pre-upgrade writes next to the carried-over installation when
 * link mode may run: link mode's rollback once the new cluster has started. It is recorded inside the
 * installation copy as {@value #FILE} (name and SHA-256), so the copy's manifest, which lists every
 * file with its digest, records it too; the dump itself is a published plain backup with its own manifest.
 *
 * @param file the dump, {@code cluster-<from>.sql} next to the installation copy
 * @param sha256 its SHA-256 as its manifest recorded it when it was published
 */
public record RollbackDump(Path file, String sha256) {

    /** The record's name inside the installation copy. */
    public static final String FILE = "rollback-dump.properties";

    /** @param installationCopy the staged copy; the record is written into it before it is sealed */
    void writeInto(Path installationCopy) throws IOException {
        Properties p = new Properties();
        p.setProperty("file", file.getFileName().toString());
        p.setProperty("sha256", sha256);
        try (Writer w = Files.newBufferedWriter(installationCopy.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, "dogu-upgrade: the rollback of a link-mode pg_upgrade");
        }
    }

    /**
     * @param installationCopy a published installation copy
     * @return the rollback dump it records, if pre-upgrade wrote one
     */
    public static Optional<RollbackDump> of(Path installationCopy) {
        Path record = installationCopy.resolve(FILE);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "Cannot read " + record + ": " + e.getMessage(), e);
        }
        return Optional.of(new RollbackDump(installationCopy.resolveSibling(p.getProperty("file")),
                p.getProperty("sha256")));
    }

    /**
     * Checks the dump against its own manifest and against the digest the installation copy recorded.
     *
     * @return the dump's manifest
     * @throws UpgradeException ({@code DU-RESTORE}) naming the dump when it is missing or differs
     */
    public BackupManifest verify() {
        BackupManifest manifest = BackupManifest.readFor(file);
        if (!manifest.sha256().equals(sha256)) {
            throw new UpgradeException(ErrorCode.RESTORE_FAILED, "The rollback dump " + file + " is not the one"
                    + " pre-upgrade wrote (SHA-256 " + manifest.sha256() + ", recorded " + sha256 + ").");
        }
        BackupVerifier.verifyFile(file, manifest);
        return manifest;
    }
}
