package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code initdb} as the database OS user. The superuser password goes through a private
 * {@code --pwfile} that is deleted right after, never through the command line.
 */
public final class ClusterInitializer {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterInitializer.class);

    private final PostgresInstallation installation;
    private final ProcessRunner runner;
    private final ServerOwner owner;

    /**
     * @param installation server programs
     * @param runner runs initdb
     * @param owner the database OS user
     */
    public ClusterInitializer(PostgresInstallation installation, ProcessRunner runner, ServerOwner owner) {
        this.installation = installation;
        this.runner = runner;
        this.owner = owner;
    }

    /**
     * @param data an empty or missing data directory
     * @param settings encoding, locale, checksums
     * @param superuser bootstrap superuser name
     * @param password its password, if known
     */
    public void initialize(DataDirectory data, ClusterSettings settings, String superuser, Optional<String> password) {
        long t0 = System.nanoTime();
        Path pwDir = null;
        try {
            Files.createDirectories(data.path());
            Files.setPosixFilePermissions(data.path(), PosixFilePermissions.fromString("rwx------"));
            owner.chown(data.path());
            // md5 (not scram-sha-256) for host connections: it also accepts SCRAM-hashed passwords,
            // while roles restored from an older major may still carry MD5 hashes.
            List<String> args = new ArrayList<>(List.of("-D", data.path().toString(), "-U", superuser,
                    "--auth-local=peer", "--auth-host=md5"));
            args.addAll(settings.initdbArguments(installation.major()));
            args.addAll(new DataDirectorySync(installation, runner, owner).initdbSyncArguments());
            Command.Builder cmd = Command.of(installation.program("initdb").toString()).args(args)
                    .runAs(owner.name()).timeout(Duration.ofMinutes(10));
            if (password.isPresent()) {
                pwDir = Files.createTempDirectory("dogu-upgrade-pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path pwFile = pwDir.resolve("pw");
                Files.writeString(pwFile, password.get() + "\n", StandardCharsets.UTF_8);
                owner.chown(pwDir);
                cmd.args("--pwfile=" + pwFile).secret(password.get());
            }
            runner.runChecked(cmd.build(), ErrorCode.SERVER, "initialize a PostgreSQL " + installation.version()
                    + " cluster in " + data.path());
            LOG.info("initialized PostgreSQL {} cluster in {} ({}, {}) in {} ms", installation.version(), data.path(),
                    settings.encoding(), settings.collate(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot prepare " + data.path() + " for initdb: "
                    + e.getMessage(), e);
        } finally {
            if (pwDir != null) {
                try (var s = Files.list(pwDir)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Files.delete(p);
                    }
                    Files.delete(pwDir);
                } catch (IOException e) {
                    LOG.warn("could not remove the temporary password file directory {}", pwDir);
                }
            }
        }
    }
}
