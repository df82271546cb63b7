package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.api.event.UpgradeListener;
import com.cloudogu.upgrade.core.internal.event.ProgressReporter;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.ClientTools;
import com.cloudogu.upgrade.core.internal.server.TemporaryServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a {@code pg_dumpall} script (a plain backup, or a parallel backup's globals) into the fresh
 * cluster served by a temporary server, with {@code psql} stopping at the first error. The bootstrap
 * superuser's own statements are filtered out ({@link SuperuserStatementFilter}).
 */
public final class DumpRestore {

    private static final Logger LOG = LoggerFactory.getLogger(DumpRestore.class);

    private final TemporaryServer server;
    private final ClientTools tools;
    private final ProcessRunner runner;
    private final UpgradeListener listener;

    /**
     * @param server the temporary server on the fresh cluster
     * @param tools client programs ({@code psql})
     * @param runner runs them
     * @param listener receives progress
     */
    public DumpRestore(TemporaryServer server, ClientTools tools, ProcessRunner runner, UpgradeListener listener) {
        this.server = server;
        this.tools = tools;
        this.runner = runner;
        this.listener = listener;
    }

    /**
     * @param script the verified script
     * @param size its size in bytes (progress, the halfway checkpoint, the space estimate)
     * @param dumpToolVersion version of the program that wrote it (empty: unknown)
     */
    public void restore(Path script, long size, String dumpToolVersion) {
        RestoreTools.requireAtLeast(tools, "psql", "pg_dumpall", dumpToolVersion, script, "may reject its commands");
        long t0 = System.nanoTime();
        SuperuserStatementFilter filter;
        try {
            filter = new SuperuserStatementFilter(new HalfwayCheckpoint(
                    new BufferedInputStream(Files.newInputStream(script), 1 << 16), size), server.superuser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessResult result;
        try (InputStream in = filter;
             ProgressReporter progress = new ProgressReporter("restore", filter::bytesRead, size, listener,
                     Duration.ofSeconds(5))) {
            result = runner.run(Command.of(tools.path("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                            "-h", server.socketDirectory().toString(), "-p", Integer.toString(server.port()),
                            "-U", server.superuser(), "-d", "postgres", "-f", "-")
                    .env("PGOPTIONS", "-c client_min_messages=warning")
                    .stdin(() -> in).timeout(Duration.ofHours(24)).label("psql").build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestoreTools.requireSucceeded(result, "Restoring " + script, "psql", script, size);
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("restored {} ({}) in {} s ({}/s); skipped {} statement(s) about superuser {}", script,
                ProgressReporter.mib(size), String.format(Locale.ROOT, "%.1f", seconds),
                ProgressReporter.mib((long) (size / Math.max(seconds, 0.001))), filter.statementsDropped(),
                server.superuser());
    }
}
