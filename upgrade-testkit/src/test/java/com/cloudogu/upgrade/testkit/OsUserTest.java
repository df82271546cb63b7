package com.cloudogu.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switching to the server user. Which branch runs depends on whether the build runs as root (as
 * CI does); each branch asserts its own behaviour, none is skipped.
 */
class OsUserTest {

    @TempDir
    Path temp;

    @Test
    void commandForTheServerUserRunsAsThatUser() throws Exception {
        List<String> command = OsUser.asUser(OsUser.serverUser(), List.of("id", "-un"));

        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

        assertThat(process.waitFor()).isZero();
        assertThat(output).isEqualTo(OsUser.serverUser());
    }

    @Test
    void rootSwitchesUsersWhileOthersOnlyRunAsThemselves() {
        if (OsUser.isRoot()) {
            assertThat(OsUser.serverUser()).isEqualTo("postgres");
            assertThat(OsUser.asUser("postgres", List.of("pg_ctl", "start")))
                    .hasSizeGreaterThan(2)
                    .endsWith("pg_ctl", "start")
                    .first().asString().containsAnyOf("runuser", "setpriv", "su-exec", "gosu");
            assertThat(OsUser.asUser("root", List.of("id"))).containsExactly("id");
        } else {
            assertThat(OsUser.serverUser()).isEqualTo(OsUser.currentUser());
            assertThat(OsUser.asUser(OsUser.currentUser(), List.of("id"))).containsExactly("id");
            assertThatThrownBy(() -> OsUser.asUser("someone-else", List.of("id")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not root");
        }
    }

    @Test
    void chownRecursiveGivesTheTreeButNotSymlinkTargetsToTheUser() throws Exception {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "not mine");
        Path tree = Files.createDirectories(temp.resolve("tree/nested"));
        Files.writeString(tree.resolve("file.txt"), "x");
        Files.createSymbolicLink(tree.resolve("link"), outside);
        String ownerBefore = Files.getOwner(outside).getName();

        OsUser.chownRecursive(temp.resolve("tree"), OsUser.serverUser());

        assertThat(Files.getOwner(temp.resolve("tree")).getName()).isEqualTo(OsUser.serverUser());
        assertThat(Files.getOwner(tree.resolve("file.txt")).getName()).isEqualTo(OsUser.serverUser());
        assertThat(Files.getOwner(outside).getName()).isEqualTo(ownerBefore);
    }
}
