package com.cloudogu.upgrade.core.internal.process;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a command as another OS user when the current process is root, with whichever tool the
 * image has: {@code gosu}, {@code su-exec}, {@code setpriv} or {@code runuser}. PostgreSQL refuses
 * to run as root, so every server-side command goes through here.
 */
public final class UserSwitch {

    private final boolean root;
    private final Executables executables;

    /**
     * @param root whether the current process runs as root
     * @param executables where to look for the switching tool
     */
    public UserSwitch(boolean root, Executables executables) {
        this.root = root;
        this.executables = executables;
    }

    /** @return a switch for this process */
    public static UserSwitch forCurrentProcess() {
        return new UserSwitch(isRoot(), Executables.fromEnvironment());
    }

    /** @return whether this process runs with uid 0 */
    public static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** @return whether this process runs as root */
    public boolean root() {
        return root;
    }

    /**
     * @param user the target user, or empty for none
     * @param argv the command
     * @return the command prefixed so it runs as {@code user} (unchanged when not root)
     */
    public List<String> wrap(Optional<String> user, List<String> argv) {
        if (!root || user.isEmpty() || "root".equals(user.get())) {
            return argv;
        }
        String u = user.get();
        List<String> out = new ArrayList<>();
        Optional<Path> tool;
        if ((tool = executables.find("gosu")).isPresent() || (tool = executables.find("su-exec")).isPresent()) {
            out.add(tool.get().toString());
            out.add(u);
        } else if ((tool = executables.find("setpriv")).isPresent()) {
            out.addAll(List.of(tool.get().toString(), "--reuid=" + u, "--regid=" + u, "--init-groups", "--"));
        } else if ((tool = executables.find("runuser")).isPresent()) {
            out.addAll(List.of(tool.get().toString(), "-u", u, "--"));
        } else {
            throw new UpgradeException(ErrorCode.PROCESS, "Cannot run '" + argv.get(0) + "' as user '" + u
                    + "': none of gosu, su-exec, setpriv or runuser is on PATH (" + executables.path()
                    + "). Install one of them in the image or run dogu-upgrade as '" + u + "'.");
        }
        out.addAll(argv);
        return out;
    }
}
