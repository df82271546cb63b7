package com.cloudogu.upgrade.core.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the programs that a killed earlier attempt left running on our files. A SIGKILLed JVM cannot
 * take its children with it: {@code pg_dumpall -f FILE} goes on and starts one {@code pg_dump} per
 * database that opens FILE by name in append mode — into whatever file a rerun created under that
 * name. A phase therefore ends such orphans first (under the phase lock, so no live phase owns
 * them), and every attempt writes under names of its own as well.
 *
 * <p>An orphan is a PostgreSQL client program, {@code initdb} or {@code pg_ctl} (or the shell they
 * run programs through) with an argument that names a path below one of the given directories, and
 * not a descendant of this JVM. A server ({@code postgres}) is never killed here: {@code StaleServer}
 * stops a temporary server cleanly.
 */
public final class OrphanReaper {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanReaper.class);
    private static final Set<String> PROGRAMS = Set.of("pg_dumpall", "pg_dump", "pg_restore", "psql", "initdb",
            "pg_ctl", "vacuumdb", "sh", "dash", "bash", "busybox");
    private static final Path PROC = Path.of("/proc");

    private OrphanReaper() {
    }

    /**
     * @param directories the backup directory, a restore target (directories only dogu-upgrade's
     *     programs work in while a phase runs)
     * @return how many orphans were ended
     */
    public static int endProgramsUsing(Path... directories) {
        if (!Files.isDirectory(PROC)) {
            return 0;
        }
        List<String> prefixes = java.util.Arrays.stream(directories).map(d -> d.toAbsolutePath().normalize().toString())
                .toList();
        Set<Long> ours = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        ours.add(ProcessHandle.current().pid());
        List<ProcessHandle> orphans = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (!ours.contains(pid) && isOrphanOn(p, prefixes)) {
                    ProcessHandle.of(pid).ifPresent(orphans::add);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for programs left running by an earlier attempt: {}", e.getMessage());
            return 0;
        }
        for (ProcessHandle h : orphans) {
            LOG.warn("ending {} (pid {}) left running on {} by an interrupted earlier attempt",
                    h.info().command().orElse("?"), h.pid(), String.join(", ", prefixes));
            h.destroyForcibly();
        }
        for (ProcessHandle h : orphans) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("pid {} did not end within 10 s", h.pid());
            }
        }
        return orphans.size();
    }

    private static boolean isOrphanOn(Path proc, List<String> prefixes) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(proc.resolve("cmdline"));
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile, or not ours to read
        }
        if (raw.length == 0) {
            return false;
        }
        String[] argv = new String(raw, StandardCharsets.UTF_8).split("\0");
        String program = argv[0].substring(argv[0].lastIndexOf('/') + 1);
        if (!PROGRAMS.contains(program)) {
            return false;
        }
        for (int i = 1; i < argv.length; i++) {
            for (String prefix : prefixes) {
                if (mentions(argv[i], prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code -f /b/x}, {@code --file=/b/x}, or a shell command line with {@code '/b/x'} in it. */
    static boolean mentions(String arg, String prefix) {
        int i = arg.indexOf(prefix);
        while (i >= 0) {
            int end = i + prefix.length();
            boolean startOk = i == 0 || "='\" ".indexOf(arg.charAt(i - 1)) >= 0;
            boolean endOk = end == arg.length() || arg.charAt(end) == '/' || "'\" ".indexOf(arg.charAt(end)) >= 0;
            if (startOk && endOk) {
                return true;
            }
            i = arg.indexOf(prefix, i + 1);
        }
        return false;
    }
}
