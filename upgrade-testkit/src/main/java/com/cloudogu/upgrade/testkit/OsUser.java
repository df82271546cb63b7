package com.cloudogu.upgrade.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Running commands as another OS user. PostgreSQL refuses to run as root, while CI runs tests as
 * root: the server then runs as {@code postgres}, through whichever user-switch tool exists.
 */
public final class OsUser {

    /** The OS user the server runs as when the JVM runs as root. */
    public static final String DEFAULT_SERVER_USER = "postgres";

    private static final List<Path> TOOL_DIRECTORIES =
            Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")
                    .map(Path::of)
                    .toList();

    private static volatile Boolean root;

    private OsUser() {}

    /** @return whether this JVM runs with user id 0 (asked from {@code id -u} once) */
    public static boolean isRoot() {
        Boolean known = root;
        if (known == null) {
            known = "0".equals(run(List.of("id", "-u")).orElse(null)) || "root".equals(currentUser());
            root = known;
        }
        return known;
    }

    /** @return the name of the user this JVM runs as */
    public static String currentUser() {
        return System.getProperty("user.name");
    }

    /**
     * @return the user a PostgreSQL server started by this JVM runs as: {@value #DEFAULT_SERVER_USER}
     *     when the JVM is root, the JVM's own user otherwise
     */
    public static String serverUser() {
        return isRoot() ? DEFAULT_SERVER_USER : currentUser();
    }

    /**
     * Prefixes a command so that it runs as another user.
     *
     * @param user the target user
     * @param command the program and its arguments
     * @return the command unchanged if it already runs as {@code user}; otherwise the command behind
     *     {@code runuser}, {@code setpriv}, {@code su-exec} or {@code gosu}, the first that exists
     * @throws IllegalStateException if switching is needed but impossible (not root, or no tool)
     */
    public static List<String> asUser(String user, List<String> command) {
        if (user.equals(currentUser()) || (isRoot() && user.equals("root"))) {
            return List.copyOf(command);
        }
        if (!isRoot()) {
            throw new IllegalStateException("Cannot run " + command.get(0) + " as " + user + ": this JVM runs as "
                    + currentUser() + ", not root; run the tests as " + user + " or as root");
        }
        List<String> prefixed = new ArrayList<>();
        if (findTool("runuser").isPresent()) {
            prefixed.addAll(List.of(findTool("runuser").get().toString(), "-u", user, "--"));
        } else if (findTool("setpriv").isPresent()) {
            String group = primaryGroup(user);
            prefixed.addAll(List.of(findTool("setpriv").get().toString(), "--reuid=" + user, "--regid=" + group,
                    "--init-groups", "--"));
        } else if (findTool("su-exec").isPresent()) {
            prefixed.addAll(List.of(findTool("su-exec").get().toString(), user));
        } else if (findTool("gosu").isPresent()) {
            prefixed.addAll(List.of(findTool("gosu").get().toString(), user));
        } else {
            throw new IllegalStateException("Cannot run " + command.get(0) + " as " + user
                    + ": none of runuser, setpriv, su-exec or gosu is installed (install util-linux)");
        }
        prefixed.addAll(command);
        return List.copyOf(prefixed);
    }

    /**
     * Gives a directory tree (symbolic links themselves, not their targets) to a user and that user's
     * primary group. Does nothing when the JVM is not root, because then it can only own files itself.
     *
     * @param path the root of the tree
     * @param user the new owner
     * @throws IOException if ownership could not be changed
     */
    public static void chownRecursive(Path path, String user) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(user);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(primaryGroup(user));
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }

            private void chown(Path p) throws IOException {
                PosixFileAttributeView view =
                        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(owner);
                view.setGroup(group);
            }
        });
    }

    /**
     * Fails early, with a clear message, if {@code user} cannot reach {@code path}: a server whose
     * data directory lies below {@code /root} fails later with a far vaguer error.
     *
     * @param path a directory the user must reach
     * @param user the user
     * @throws IllegalStateException if an ancestor is closed to the user (ignoring group membership)
     */
    public static void requireTraversable(Path path, String user) {
        if (!isRoot() || user.equals("root")) {
            return;
        }
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue; // created later, by whoever creates the path
            }
            try {
                PosixFileAttributes attrs = Files.readAttributes(p, PosixFileAttributes.class);
                boolean own = attrs.owner().getName().equals(user);
                boolean open = attrs.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)
                        || attrs.permissions().contains(PosixFilePermission.GROUP_EXECUTE);
                if (!own && !open) {
                    throw new IllegalStateException("OS user " + user + " cannot enter " + p + " (mode "
                            + PosixFilePermissions.toString(attrs.permissions()) + ", owner "
                            + attrs.owner().getName() + "), so a server cannot use " + path
                            + "; allow traversal (chmod o+x " + p + ") or choose a directory outside it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not check access to " + p, e);
            }
        }
    }

    static Optional<Path> findTool(String name) {
        List<Path> dirs = new ArrayList<>();
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(":")) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(TOOL_DIRECTORIES);
        return dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    private static String primaryGroup(String user) {
        return run(List.of("id", "-gn", user))
                .orElseThrow(() -> new IllegalStateException("OS user " + user + " does not exist (id -gn " + user
                        + " failed); create it, e.g. useradd --system " + user));
    }

    // Runs a tiny command and returns its trimmed output if it succeeded.
    private static Optional<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
