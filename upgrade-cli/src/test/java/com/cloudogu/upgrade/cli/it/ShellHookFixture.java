package com.cloudogu.upgrade.cli.it;

import com.cloudogu.upgrade.testkit.ClientTools;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An old dogu container without Java, as the one-file pre-upgrade hook finds it: a data volume, the
 * old server running, and a {@code PATH} of busybox applets (a directory of symlinks to Debian's
 * busybox), the old server's programs, the client tools ({@code pg_dumpall}, {@code psql}: zonky
 * builds have none, Debian's postgresql-15 stands in for the image's), a {@code doguctl} stand-in
 * and {@code gosu} (Gen D images have it; the stand-in uses util-linux's setpriv). No {@code java}.
 * The hook runs under the shell given ({@code busybox sh} or {@code dash}), in its own process
 * group, as root. Post-upgrade and startup then run with the Java CLI on the new image's PATH.
 */
final class ShellHookFixture implements AutoCloseable {

    /**
     * Where the old and the new image keep PGDATA on the volume ({@code {old}}/{@code {new}}: the
     * PostgreSQL majors of the two images). Only {@link #SAME} works with this branch's Java
     * post-upgrade; the others need the volume-layout support of main (a trial merge passes with
     * them): switch the tests' parameter lists after merging.
     */
    enum Layout {
        /** Old and new PGDATA are the same directory. */
        SAME("data", "data"),
        /** A release before 14.21-0 (PGDATA = the volume root) to one from 14.21-0 on. */
        ROOT_TO_DOCKER("", "{new}/docker"),
        /** Both from 14.21-0 on: sibling directories. */
        DOCKER_TO_DOCKER("{old}/docker", "{new}/docker");

        private final String oldData;
        private final String newData;

        Layout(String oldData, String newData) {
            this.oldData = oldData;
            this.newData = newData;
        }

        private static Path resolve(Path volume, String pattern, String oldMajor, String newMajor) {
            String p = pattern.replace("{old}", oldMajor).replace("{new}", newMajor);
            return p.isEmpty() ? volume : volume.resolve(p);
        }
    }

    /** The shell that runs the hook in the old container. */
    enum Shell {
        BUSYBOX("/usr/bin/busybox", "sh"),
        DASH("/usr/bin/dash");

        private final List<String> command;

        Shell(String... command) {
            this.command = List.of(command);
        }
    }

    /** Where the hook keeps its state. */
    enum Store { DOGUCTL, FILE }

    private static final String BROKEN_DOGUCTL = """
            #!/bin/sh
            echo "could not connect to etcd: connection refused" >&2
            exit 1
            """;

    /* A doguctl stand-in in POSIX sh: one file per key in store/, every call's arguments in calls.log. */
    private static final String DOGUCTL = """
            #!/bin/sh
            here=$(dirname "$0")
            printf '%s\\n' "$*" >> "$here/calls.log"
            [ "$1" = config ] || { echo "unsupported command: $1" >&2; exit 2; }
            shift
            default=; has_default=; remove=
            while [ $# -gt 0 ]; do
              case "$1" in
                -e) shift ;;
                --default) has_default=1; default=$2; shift 2 ;;
                --rm) remove=1; shift ;;
                --) shift; break ;;
                -*) echo "flag provided but not defined: $1" >&2; exit 2 ;;
                *) break ;;
              esac
            done
            mkdir -p "$here/store"
            file="$here/store/$1"
            if [ -n "$remove" ]; then rm -f "$file"; exit 0; fi
            if [ $# -eq 2 ]; then printf '%s' "$2" > "$file"; exit 0; fi
            if [ -f "$file" ]; then cat "$file"; echo; exit 0; fi
            if [ -n "$has_default" ]; then printf '%s\\n' "$default"; exit 0; fi
            echo "could not get value for key $1: key not found" >&2
            exit 1
            """;

    private static final String GOSU = """
            #!/bin/sh
            user=$1
            shift
            exec /usr/bin/setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
            """;

    private final Path root;
    private final Path volume;
    private final Layout layout;
    private final String oldMajor;
    private final String newMajor;
    private final Store store;
    private final Path logs;
    private final Path busybox;
    private final Path image;
    private final Path doguctlDir;
    private PostgresServer running;
    private int runs;

    private ShellHookFixture(Path root, Layout layout, Store store, String oldMajor, String newMajor) throws IOException {
        this.root = root;
        this.layout = layout;
        this.oldMajor = oldMajor;
        this.newMajor = newMajor;
        this.store = store;
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.volume = Files.createDirectories(root.resolve("volume"));
        this.logs = Files.createDirectories(root.resolve("logs"));
        this.busybox = Files.createDirectories(root.resolve("busybox"));
        this.image = Files.createDirectories(root.resolve("image-bin"));
        this.doguctlDir = Files.createDirectories(root.resolve("doguctl"));
        for (String applet : busyboxApplets()) {
            Files.createSymbolicLink(busybox.resolve(applet), Path.of("/usr/bin/busybox"));
        }
        executable(image.resolve("gosu"), GOSU);
        executable(doguctlDir.resolve("doguctl"), DOGUCTL);
    }

    /** A 14 -> 17 upgrade's volume. */
    static ShellHookFixture in(Path root, Layout layout, Store store) throws IOException {
        return in(root, layout, store, "14", "17");
    }

    /** @param oldMajor the old image's PostgreSQL major @param newMajor the new image's */
    static ShellHookFixture in(Path root, Layout layout, Store store, String oldMajor, String newMajor)
            throws IOException {
        return new ShellHookFixture(root, layout, store, oldMajor, newMajor);
    }

    private static List<String> busyboxApplets() throws IOException {
        Process p = new ProcessBuilder("/usr/bin/busybox", "--list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> applets = out.lines().filter(l -> !l.isBlank()).toList();
        if (!applets.contains("sh") || !applets.contains("sha256sum")) {
            throw new IllegalStateException("busybox --list gave no applets (is Debian's busybox installed? .ci/run"
                    + " installs it): " + out);
        }
        return applets;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Replaces doguctl by one that always fails, as when etcd is unreachable. */
    void breakDoguctl() throws IOException {
        executable(doguctlDir.resolve("doguctl"), BROKEN_DOGUCTL);
    }

    /** Puts the working doguctl stand-in back. */
    void repairDoguctl() throws IOException {
        executable(doguctlDir.resolve("doguctl"), DOGUCTL);
    }

    /**
     * Replaces gosu by {@code su} as the only way to switch users (Gen C images: Alpine's busybox
     * has {@code su}; here util-linux's stands in for it).
     */
    void offerOnlySu() throws IOException {
        Files.delete(image.resolve("gosu"));
        Files.createSymbolicLink(image.resolve("su"), Path.of("/usr/bin/su"));
    }

    /** Makes {@code flock} available to the hook, as Alpine's busybox has it. */
    void offerFlock() throws IOException {
        Files.createSymbolicLink(image.resolve("flock"), Path.of("/usr/bin/flock"));
    }

    PostgresServer startOldServer(String version) {
        running = PostgresServer.builder(version).dataDirectory(oldData()).start();
        return running;
    }

    /** @param oldImage a complete installation (e.g. Debian's): its bin directory is the old image's PATH */
    PostgresServer startOldServer(PostgresBinaries oldImage) {
        running = PostgresServer.builder(oldImage).dataDirectory(oldData()).start();
        return running;
    }

    /**
     * Starts the old server on a copy of a prepared sample-data cluster ({@link SampleClusters}) at
     * the old PGDATA instead of initializing and loading one.
     *
     * @param oldImage the old image's server programs
     * @param kind what the cluster holds (sample data, with or without the superuser's old password)
     * @return the cluster's fingerprint
     */
    ClusterFingerprint startOldServerWithSampleData(PostgresBinaries oldImage, SampleClusters.Kind kind)
            throws Exception {
        SampleClusters.Template template = SampleClusters.get(oldImage, kind);
        EmbeddedDogu.copyCluster(template.dataDirectory(), oldData(), volume);
        startOldServer(oldImage);
        return template.fingerprint();
    }

    /** As {@link #startOldServerWithSampleData(PostgresBinaries, SampleClusters.Kind)}, for a zonky version. */
    ClusterFingerprint startOldServerWithSampleData(String version, SampleClusters.Kind kind) throws Exception {
        return startOldServerWithSampleData(PostgresBinaries.of(version), kind);
    }

    /**
     * Makes the old container's {@code cp} hang (until killed) when it is given a file named
     * {@code fileName}, as on a stalled disk: a {@code cp} stand-in first on PATH that touches the
     * returned marker file and sleeps; every other call runs busybox's {@code cp}.
     *
     * @param fileName the name of the file whose copy hangs
     * @return the marker file, created when the copy hangs
     */
    Path stallCopyOf(String fileName) throws IOException {
        Path marker = root.resolve("copy-stalled");
        executable(image.resolve("cp"), "#!/bin/sh\n"
                + "for a in \"$@\"; do case $a in */" + fileName + ") : > '" + marker + "'; exec sleep 600 ;; esac; done\n"
                + "exec /usr/bin/busybox cp \"$@\"\n");
        return marker;
    }

    /** Takes the stand-in of {@link #stallCopyOf} away: busybox's {@code cp} copies again. */
    void unstallCopy() throws IOException {
        Files.deleteIfExists(image.resolve("cp"));
    }

    PostgresServer oldServer() {
        return running;
    }

    void stopOldServer() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    Path oldData() {
        return Layout.resolve(volume, layout.oldData, oldMajor, newMajor);
    }

    Path newData() {
        return Layout.resolve(volume, layout.newData, oldMajor, newMajor);
    }

    Path backupDirectory() {
        return volume.resolve("backup");
    }

    Path stateFile() {
        return root.resolve("state/dogu-state.properties");
    }

    Path lockFile() {
        return root.resolve("dogu-upgrade.lock");
    }

    Path root() {
        return root;
    }

    private String storeSetting() {
        return store == Store.FILE ? "file:" + stateFile() : "doguctl";
    }

    /**
     * @return the old container's environment without Java (the hook takes the shell path); before
     *     {@link #startOldServer} without the server's programs and connection settings
     */
    Map<String, String> oldContainerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (running == null) {
            env.put("PATH", image + ":" + doguctlDir + ":" + busybox);
            env.put("PGDATA", oldData().toString());
            env.put("DOGU_UPGRADE_BACKUP_DIR", backupDirectory().toString());
            env.put("DOGU_UPGRADE_STATE_STORE", storeSetting());
            env.put("DOGU_UPGRADE_LOCK_FILE", lockFile().toString());
            env.put("HOME", root.toString());
            return env;
        }
        env.put("PATH", image + ":" + doguctlDir + ":" + busybox + ":" + running.binDirectory()
                + ":" + ClientTools.locate().directory());
        env.put("PGDATA", oldData().toString());
        env.put("DOGU_UPGRADE_BACKUP_DIR", backupDirectory().toString());
        env.put("DOGU_UPGRADE_STATE_STORE", storeSetting());
        env.put("DOGU_UPGRADE_LOCK_FILE", lockFile().toString());
        env.put("HOME", root.toString());
        env.put("LANG", "C.UTF-8");
        env.put("PGHOST", running.socketDirectory().toString());
        env.put("PGPORT", Integer.toString(running.port()));
        env.put("PGUSER", running.superuser());
        return env;
    }

    /** @return the same old container, but with a Java 17 runtime (the hook runs the Java CLI) */
    Map<String, String> oldContainerEnvironmentWithJava() {
        Map<String, String> env = oldContainerEnvironment();
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return env;
    }

    /** @param newServer the new image's server @return the Java CLI in the new container */
    CliProcess newContainer(String newServer) {
        return newContainer(PostgresBinaries.of(newServer));
    }

    /** @param newImage the new image's installation @return the Java CLI in the new container */
    CliProcess newContainer(PostgresBinaries newImage) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", newImage.bin() + ":" + ClientTools.locate().directory() + ":" + doguctlDir
                + ":/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("PGDATA", newData().toString());
        env.put("DOGU_UPGRADE_BACKUP_DIR", backupDirectory().toString());
        env.put("DOGU_UPGRADE_STATE_STORE", storeSetting());
        env.put("DOGU_UPGRADE_LOCK_FILE", root.resolve("new-container.lock").toString());
        env.put("DOGU_UPGRADE_WAIT_TIMEOUT", "300");
        env.put("HOME", root.toString());
        env.put("LANG", "C.UTF-8");
        return new CliProcess(CliProcess.defaultJar(), env, logs);
    }

    /** @return the one-file hook as built: launcher + jar */
    static Path oneFile() {
        return CliProcess.defaultJar().resolveSibling("dogu-upgrade");
    }

    /**
     * Starts the one-file hook in the old container under a shell, in a process group of its own.
     *
     * @param shell the old image's shell
     * @param env the environment (see {@link #oldContainerEnvironment()})
     * @param args the hook's arguments
     * @return the running hook
     */
    CliProcess.Started start(Shell shell, Map<String, String> env, String... args) throws IOException {
        int n = ++runs;
        String name = String.format("sh-%02d-%s", n, args.length > 0 ? args[0] : "none");
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid"));
        cmd.addAll(shell.command);
        cmd.add(oneFile().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new CliProcess.Started(pb.start(), out, err, shell + " " + String.join(" ", args));
    }

    CliProcess.Result run(Shell shell, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return start(shell, env, args).await(300);
    }

    /**
     * Copies the one file into the old container as its hook {@code pre-upgrade.sh} and runs it the
     * way orchestrators run hooks: {@code pre-upgrade.sh FROM TO}, no command name.
     */
    CliProcess.Result runInstalledHook(Shell shell, String from, String to) throws IOException, InterruptedException {
        Path hook = root.resolve("pre-upgrade.sh");
        Files.copy(oneFile(), hook, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        int n = ++runs;
        Path out = logs.resolve(String.format("sh-%02d-hook.out", n));
        Path err = logs.resolve(String.format("sh-%02d-hook.err", n));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid"));
        cmd.addAll(shell.command);
        cmd.addAll(List.of(hook.toString(), from, to));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(oldContainerEnvironment());
        return new CliProcess.Started(pb.start(), out, err, shell + " pre-upgrade.sh " + from + " " + to).await(300);
    }

    CliProcess.Result run(Shell shell, String... args) throws IOException, InterruptedException {
        return run(shell, oldContainerEnvironment(), args);
    }

    /** @param key a state key @return its value in the store the hook used */
    Optional<String> state(String key) throws IOException {
        if (store == Store.FILE) {
            return com.cloudogu.upgrade.core.StateStores.open("file:" + stateFile(), Map.of()).get(key);
        }
        Path file = doguctlDir.resolve("store").resolve(key);
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    /** @param key a state key @param value its value, set as the dogu would */
    void setState(String key, String value) throws IOException {
        if (store == Store.FILE) {
            com.cloudogu.upgrade.core.StateStores.open("file:" + stateFile(), Map.of()).set(key, value);
        } else {
            Files.createDirectories(doguctlDir.resolve("store"));
            Files.writeString(doguctlDir.resolve("store").resolve(key), value);
        }
    }

    /** @return the keys the doguctl stand-in was asked to set, in order */
    List<String> doguctlWrites() throws IOException {
        Path log = doguctlDir.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("config ") && !l.contains("--default")
                && !l.contains("--rm")).map(l -> l.split(" ")[l.split(" ")[1].equals("--") ? 2 : 1]).toList();
    }

    /** Sends SIGKILL to the hook's whole process group (the shell, pg_dumpall, pg_dump). */
    static void killProcessGroup(CliProcess.Started hook) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + hook.process().pid()).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill of process group " + hook.process().pid() + " failed: " + out);
        }
        hook.process().waitFor();
    }

    @Override
    public void close() {
        stopOldServer();
        // JUnit warns about every symlink to outside its temp dir: remove the few hundred applet links
        for (Path dir : List.of(busybox, image)) {
            try (var links = Files.list(dir)) {
                for (Path link : links.filter(Files::isSymbolicLink).toList()) {
                    Files.delete(link);
                }
            } catch (IOException ignored) {
                // JUnit removes the rest
            }
        }
    }
}
