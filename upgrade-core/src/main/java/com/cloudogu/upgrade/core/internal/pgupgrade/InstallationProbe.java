package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.backup.BackupFiles;
import com.cloudogu.upgrade.core.internal.backup.Checksums;
import com.cloudogu.upgrade.core.internal.io.Durable;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, in the new image and before anything is touched, that the carried-over old installation
 * runs here: every file matches the manifest, and each program starts and prints the old major. The
 * libraries the new image lacks (another distribution release, another libc build) are supplied by
 * an overlay directory holding only those sonames from the copy's {@code deps/}: host programs and
 * the new binaries never see it, and the old programs get exactly what they were built against.
 *
 * @param bin the old programs inside the copy
 * @param overlay the directory for {@code LD_LIBRARY_PATH}, empty when the image has every library
 * @param major the old major
 */
public record InstallationProbe(Path bin, Optional<Path> overlay, int major) {

    private static final Logger LOG = LoggerFactory.getLogger(InstallationProbe.class);

    /**
     * @param copy a complete copy written by {@link InstallationCopy}
     * @param runner runs {@code ldd} and the programs
     * @param owner the database OS user, who runs them: nothing from the volume runs as root
     * @return the runnable old installation
     * @throws UpgradeException ({@code DU-SERVER}) naming what does not match or does not run
     */
    public static InstallationProbe of(Path copy, ProcessRunner runner, ServerOwner owner) {
        return probe(copy, runner, owner, true);
    }

    /**
     * Like {@link #of} for a copy whose every file was just verified against its backup manifest
     * (the format's {@code verify}): its files are not hashed a second time.
     *
     * @param copy a complete copy written by {@link InstallationCopy}, verified
     * @param runner runs {@code ldd} and the programs
     * @param owner the database OS user, who runs them
     * @return the runnable old installation
     * @throws UpgradeException ({@code DU-SERVER}) naming what does not run
     */
    public static InstallationProbe ofVerified(Path copy, ProcessRunner runner, ServerOwner owner) {
        return probe(copy, runner, owner, false);
    }

    private static InstallationProbe probe(Path copy, ProcessRunner runner, ServerOwner owner, boolean hashes) {
        long t0 = System.nanoTime();
        try {
            Properties manifest = InstallationCopy.read(copy);
            for (String key : manifest.stringPropertyNames()) {
                if (hashes && key.startsWith("sha256.")) {
                    Path file = copy.resolve(key.substring("sha256.".length()));
                    if (!Files.isRegularFile(file) || !Checksums.sha256(file).equals(manifest.getProperty(key))) {
                        throw refused(copy, file + " is missing or differs from the manifest");
                    }
                }
            }
            int major = Integer.parseInt(manifest.getProperty("major"));
            Path bin = copy.resolve("root" + manifest.getProperty("bin"));
            Set<String> missing = missing(bin, Optional.empty(), runner, owner);
            Optional<Path> overlay = overlay(copy, missing);
            // ldd cannot see what a missing library needs in turn (libicuuc needs libicudata): ask again
            // with the overlay until nothing new is missing
            while (overlay.isPresent()) {
                Set<String> more = missing(bin, overlay, runner, owner);
                if (!missing.addAll(more)) {
                    break;
                }
                overlay = overlay(copy, missing);
            }
            if (!missing.isEmpty()) {
                LOG.info("libraries missing in this image, taken from the old image's copy: {}",
                        String.join(", ", missing));
            }
            for (String name : OldInstallation.PROGRAMS) {
                Path program = bin.resolve(name);
                if (!Files.isExecutable(program)) {
                    continue;
                }
                Command.Builder version = Command.of(program.toString(), "-V").runAs(owner.name()).captureStdout();
                overlay.ifPresent(o -> version.env("LD_LIBRARY_PATH", o.toString()));
                ProcessResult r = runner.run(version.build());
                if (!r.succeeded() || !r.stdout().contains("(PostgreSQL) " + major)) {
                    throw refused(copy, program + " -V printed '" + (r.stdout() + r.stderrTail()).strip()
                            + "' (exit " + r.exitCode() + "), not PostgreSQL " + major);
                }
            }
            LOG.info("old installation in {} runs here ({} libraries from the copy) in {} ms", copy,
                    missing.size(), (System.nanoTime() - t0) / 1_000_000);
            return new InstallationProbe(bin, overlay, major);
        } catch (IOException e) {
            throw refused(copy, e.getMessage());
        }
    }

    /** @return the environment the old programs run with */
    public Map<String, String> environment() {
        return overlay.map(o -> Map.of("LD_LIBRARY_PATH", o.toString())).orElse(Map.of());
    }

    private static Set<String> missing(Path bin, Optional<Path> overlay, ProcessRunner runner, ServerOwner owner)
            throws IOException {
        Set<String> missing = new LinkedHashSet<>();
        try (var programs = Files.list(bin)) {
            for (Path program : programs.toList()) {
                Command.Builder ldd = Command.of("ldd", program.toString()).runAs(owner.name()).captureStdout();
                overlay.ifPresent(o -> ldd.env("LD_LIBRARY_PATH", o.toString()));
                missing.addAll(new LibraryClosure().add(runner.run(ldd.build()).stdout()).missing());
            }
        }
        return missing;
    }

    private static Optional<Path> overlay(Path copy, Set<String> missing) throws IOException {
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        // built anew on every probe: the new image decides what is missing, not the old one
        Path overlay = copy.resolveSibling(copy.getFileName() + ".overlay");
        BackupFiles.deleteTree(overlay);
        Files.createDirectories(overlay);
        for (String soname : missing) {
            Path lib = copy.resolve("deps").resolve(soname);
            if (!Files.isRegularFile(lib)) {
                throw refused(copy, "the library " + soname + " is missing in this image and was not carried over");
            }
            Files.createSymbolicLink(overlay.resolve(soname), lib);
        }
        Durable.syncDirectory(overlay);
        return Optional.of(overlay);
    }

    private static UpgradeException refused(Path copy, String why) {
        return new UpgradeException(ErrorCode.SERVER, "The old PostgreSQL installation carried over in " + copy
                + " cannot run here: " + why + ". Nothing was changed; the upgrade can fall back to dump and restore.");
    }
}
