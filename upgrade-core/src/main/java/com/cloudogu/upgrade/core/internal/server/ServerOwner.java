package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.process.UserSwitch;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;

/**
 * The database OS user that owns the data and runs the server. When this process is root, files it
 * creates for the server are handed over to that user; otherwise this process is that user.
 *
 * @param name the OS user name, e.g. {@code postgres}
 * @param root whether this process runs as root
 */
public record ServerOwner(String name, boolean root) {

    /** @param name the OS user name @return the owner, for the current process */
    public static ServerOwner of(String name) {
        return new ServerOwner(name, UserSwitch.isRoot());
    }

    /**
     * Gives a file or directory tree to this user (and its primary group) when running as root;
     * symbolic links are not followed.
     *
     * @param path the file or tree
     */
    public void chown(Path path) {
        if (!root || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(name);
            GroupPrincipal group = primaryGroup(lookup);
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    set(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    set(file);
                    return FileVisitResult.CONTINUE;
                }

                private void set(Path p) throws IOException {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(user);
                    if (group != null) {
                        view.setGroup(group);
                    }
                }
            });
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot give " + path + " to user '" + name + "': "
                    + e.getMessage() + ". Check that the user exists in the image.", e);
        }
    }

    private GroupPrincipal primaryGroup(UserPrincipalLookupService lookup) {
        try {
            return lookup.lookupPrincipalByGroupName(name);
        } catch (IOException e) {
            return null; // no group of the same name: keep the group
        }
    }
}
