package com.cloudogu.upgrade.testkit.install;

import com.cloudogu.upgrade.testkit.CommandRunner;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a helper program (apt-get, dpkg-deb, patchelf, a PostgreSQL tool) to completion through the
 * testkit's {@link CommandRunner}, in the C locale.
 */
final class Command {

    /**
     * The outcome of one command.
     *
     * @param exitCode the exit code
     * @param output stdout and stderr, interleaved
     */
    record Result(int exitCode, String output) {}

    private Command() {}

    /** Runs the command and throws, with its output, unless it exits with 0. */
    static String check(List<String> command, Path directory, Map<String, String> env, Duration timeout) {
        Result result = run(command, directory, env, timeout);
        if (result.exitCode() != 0) {
            throw new UpgradeException(ErrorCode.PROCESS, String.join(" ", command) + " failed with exit code "
                    + result.exitCode() + ":\n" + result.output().strip());
        }
        return result.output();
    }

    /** Runs the command and returns its exit code and output. */
    static Result run(List<String> command, Path directory, Map<String, String> env, Duration timeout) {
        // the C locale is the only one a private glibc is known to handle with the host's locale archive
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.putIfAbsent("LC_ALL", "C");
        CommandRunner.Result r = CommandRunner.run(String.join(" ", command), command, directory, environment, timeout);
        return new Result(r.exitCode(), r.output());
    }
}
