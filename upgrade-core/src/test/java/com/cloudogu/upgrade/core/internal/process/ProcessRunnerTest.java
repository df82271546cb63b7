package com.cloudogu.upgrade.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    private final ProcessRunner runner = ProcessRunner.forCurrentProcess();

    @TempDir
    Path dir;

    @Test
    void passesEveryArgumentVerbatimWithoutInterpretingShellSyntax() {
        Path marker = dir.resolve("pwned");
        List<String> arguments = List.of("with space", "it's", "say \"hi\"", "$(touch " + marker + ")",
                "`touch " + marker + "`", "a;b", "x && y", "*", "", "-n", "$HOME", "back\\slash", "line\nbreak",
                "ümlaut", "  leading and trailing blanks  ", "\n", "ends with newline\n", "\ttab");

        ProcessResult result = runner.run(Command.of("/usr/bin/printf", "%s\\0").args(arguments).captureStdout().build());

        assertThat(result.succeeded()).isTrue();
        String[] received = result.stdout().split("\0", -1);
        assertThat(Arrays.asList(received).subList(0, received.length - 1)).containsExactlyElementsOf(arguments);
        assertThat(marker).doesNotExist();
    }

    @Test
    void returnsNonZeroExitCodeInsteadOfThrowing() {
        ProcessResult result = runner.run(Command.of("/bin/sh", "-c", "echo first >&2; echo last words >&2; exit 7")
                .build());

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderrTail()).isEqualTo("first\nlast words");
    }

    @Test
    void runCheckedFailsWithTheGivenCodeAndTheLastStderrLine() {
        Command failing = Command.of("/bin/sh", "-c", "echo 'pg_dumpall: error: connection refused' >&2; exit 1")
                .label("pg_dumpall").build();

        assertThatThrownBy(() -> runner.runChecked(failing, ErrorCode.BACKUP_FAILED, "dump the cluster"))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_FAILED);
                    assertThat(e.getMessage()).isEqualTo("Could not dump the cluster: 'pg_dumpall' exited with 1:"
                            + " pg_dumpall: error: connection refused");
                });
    }

    @Test
    void timeoutKillsTheCommandAndTheProcessesItStartedAndReportsTimeout() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Command slow = Command.of("/bin/bash", "-c", "sleep 60 & echo $! > \"$1\"; wait", "slow", childPid.toString())
                .label("slow").timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run(slow))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("'slow' did not finish within 1 s");
                });

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        long pid = Long.parseLong(Files.readString(childPid).strip());
        assertThat(waitUntilGone(pid, Duration.ofSeconds(10))).as("child sleep %d is killed", pid).isTrue();
    }

    @Test
    void redactsSecretsFromLoggedOutputStderrTailAndErrorMessages() {
        String secret = "s3cr3t pässwörd";
        Command command = Command.of("/bin/sh", "-c",
                        "echo \"connecting with $PGPASSWORD\"; echo \"FATAL: password $PGPASSWORD rejected\" >&2; exit 2")
                .env("PGPASSWORD", secret).secret(secret).label("psql").build();

        String logged;
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> runner.runChecked(command, ErrorCode.RESTORE_FAILED, "restore"))
                    .isInstanceOfSatisfying(UpgradeException.class, e ->
                            assertThat(e.getMessage()).doesNotContain(secret).contains("FATAL: password **** rejected"));
            logged = log.text();
        }

        assertThat(logged).doesNotContain(secret).doesNotContain("s3cr3t")
                .contains("[psql] connecting with ****")
                .contains("[psql] FATAL: password **** rejected");
    }

    @Test
    void redactionHidesTheLongerOfTwoOverlappingSecretsCompletely() {
        ProcessRunner.Redactor redactor = new ProcessRunner.Redactor(List.of("abc", "abcdef"));

        assertThat(redactor.apply("x abcdef y abc")).isEqualTo("x **** y ****");
    }

    @Test
    void redactionHidesEachLineOfAMultiLineSecret() {
        ProcessRunner.Redactor redactor = new ProcessRunner.Redactor(List.of("first-half\nsecond-half"));

        assertThat(redactor.apply("got second-half")).isEqualTo("got ****");
    }

    @Test
    void suppliesStandardInput() {
        byte[] input = "line one\nline two with ü\n".getBytes(StandardCharsets.UTF_8);

        ProcessResult result = runner.run(Command.of("/bin/cat").stdin(() -> new ByteArrayInputStream(input))
                .captureStdout().build());

        assertThat(result.stdout()).isEqualTo("line one\nline two with ü\n");
    }

    @Test
    void passesExtraEnvironmentAndWorkingDirectory() {
        ProcessResult result = runner.run(Command.of("/bin/sh", "-c", "echo \"$GREETING from $(pwd)\"")
                .env("GREETING", "hello there").workingDirectory(dir).captureStdout().build());

        assertThat(result.stdout()).isEqualTo("hello there from " + dir + "\n");
    }

    @Test
    void missingProgramIsAProcessErrorNamingIt() {
        assertThatThrownBy(() -> runner.run(Command.of(dir.resolve("no-such-program").toString()).build()))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROCESS);
                    assertThat(e.getMessage()).contains("no-such-program");
                });
    }

    @Test
    void runsCommandsAsPostgresWhenRunningAsRoot() {
        assumeTrue(UserSwitch.isRoot(), "switching users needs root; CI runs as root");

        ProcessResult result = runner.run(Command.of("whoami").runAs("postgres").captureStdout().build());

        assertThat(result.stdout()).isEqualTo("postgres\n");
    }

    @Test
    void userSwitchPrefixesTheCommandWithTheFirstAvailableTool() throws Exception {
        Path tools = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("setpriv", "runuser")) {
            Path file = Files.writeString(tools.resolve(tool), "#!/bin/sh\n");
            file.toFile().setExecutable(true);
        }
        UserSwitch asRoot = new UserSwitch(true, new Executables(tools.toString()));

        assertThat(asRoot.wrap(Optional.of("postgres"), List.of("pg_ctl", "start")))
                .containsExactly(tools.resolve("setpriv").toString(), "--reuid=postgres", "--regid=postgres",
                        "--init-groups", "--", "pg_ctl", "start");
    }

    @Test
    void userSwitchLeavesTheCommandAloneWhenNotRoot() {
        UserSwitch notRoot = new UserSwitch(false, new Executables(""));

        assertThat(notRoot.wrap(Optional.of("postgres"), List.of("pg_ctl", "start"))).containsExactly("pg_ctl", "start");
    }

    @Test
    void userSwitchWithoutAnyToolIsAClearProcessError() {
        UserSwitch asRoot = new UserSwitch(true, new Executables(dir.toString()));

        assertThatThrownBy(() -> asRoot.wrap(Optional.of("postgres"), List.of("pg_ctl")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROCESS);
                    assertThat(e.getMessage()).contains("gosu, su-exec, setpriv or runuser", "'postgres'");
                });
    }

    private static boolean waitUntilGone(long pid, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return true;
            }
        }
        return false;
    }
}
