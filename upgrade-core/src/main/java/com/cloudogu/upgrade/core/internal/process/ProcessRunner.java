package com.cloudogu.upgrade.core.internal.process;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.environment.EnvironmentUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Command}s through Apache Commons Exec: exact argument arrays (no shell), output
 * streamed to the log line by line with secrets redacted, a timeout that kills the process, and an
 * optional switch to another OS user.
 */
public class ProcessRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    private static final int STDERR_TAIL_LINES = 20;

    private final UserSwitch userSwitch;

    /** @param userSwitch how to run commands as another user */
    public ProcessRunner(UserSwitch userSwitch) {
        this.userSwitch = userSwitch;
    }

    /** @return a runner for the current process */
    public static ProcessRunner forCurrentProcess() {
        return new ProcessRunner(UserSwitch.forCurrentProcess());
    }

    /** @return the user switch this runner uses */
    public UserSwitch userSwitch() {
        return userSwitch;
    }

    /**
     * Runs a command to completion; a non-zero exit code is returned, not thrown.
     *
     * @param command what to run
     * @return the result
     * @throws UpgradeException with {@link ErrorCode#PROCESS} if it could not start, or
     *     {@link ErrorCode#TIMEOUT} if it exceeded its timeout (it is then killed)
     */
    public ProcessResult run(Command command) {
        List<String> argv = userSwitch.wrap(command.runAsUser(), command.arguments());
        ExactArgumentsExecutor executor = new ExactArgumentsExecutor(argv, command.workingDirectory().orElse(null));
        Redactor redactor = new Redactor(command.secrets());
        StringBuilder captured = new StringBuilder();
        Deque<String> stderrTail = new ArrayDeque<>();
        FirstError.Collector firstError = new FirstError.Collector();
        OutputStream stdout = command.captureStdout()
                ? new CapturingStream(captured)
                : new LineLogger(l -> LOG.info("[{}] {}", command.label(), redactor.apply(l)));
        OutputStream stderr = new LineLogger(l -> {
            String safe = redactor.apply(l);
            LOG.info("[{}] {}", command.label(), safe);
            firstError.accept(safe);
            synchronized (stderrTail) {
                if (stderrTail.size() == STDERR_TAIL_LINES) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(safe);
            }
        });
        InputStream stdin = command.stdin().map(s -> s.get()).orElse(new ByteArrayInputStream(new byte[0]));
        // Commons Exec's own watchdog kills only the direct child; a script's children would keep the
        // output pipes open and the call would hang past its timeout, so the whole tree is killed.
        ProcessTreeTimeout timeout = new ProcessTreeTimeout(command.timeout());
        executor.setExitValues(null);
        executor.setProcessDestroyer(timeout);
        executor.setStreamHandler(new LargeBufferPumps(stdout, stderr, stdin));
        LOG.debug("running {}", redactor.apply(String.join(" ", argv)));
        long start = System.nanoTime();
        int exit;
        try {
            Map<String, String> env = EnvironmentUtils.getProcEnvironment();
            env.putAll(command.environment());
            exit = executor.execute(executor.commandLine(), env);
        } catch (ExecuteException e) {
            exit = e.getExitValue();
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.PROCESS, "Could not run '" + command.arguments().get(0) + "': "
                    + redactor.apply(String.valueOf(e.getMessage())) + ". Check that it is installed and on PATH.", e);
        } finally {
            timeout.cancel();
            closeQuietly(stdout);
            closeQuietly(stderr);
            closeQuietly(stdin);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (timeout.expired()) {
            throw new UpgradeException(ErrorCode.TIMEOUT, "'" + command.label() + "' did not finish within "
                    + command.timeout().toSeconds() + " s and was stopped.");
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return new ProcessResult(exit, captured.toString(), tail, took, firstError.text());
    }

    /**
     * Starts a command in the background; its output is streamed to the log. The timeout of the
     * command is ignored: background processes live until stopped.
     *
     * @param command what to start
     * @return a handle to wait for or kill it
     */
    public RunningProcess start(Command command) {
        List<String> argv = userSwitch.wrap(command.runAsUser(), command.arguments());
        ExactArgumentsExecutor executor = new ExactArgumentsExecutor(argv, command.workingDirectory().orElse(null));
        Redactor redactor = new Redactor(command.secrets());
        Deque<String> stderrTail = new ArrayDeque<>();
        OutputStream out = new LineLogger(l -> LOG.info("[{}] {}", command.label(), redactor.apply(l)));
        OutputStream err = new LineLogger(l -> {
            String safe = redactor.apply(l);
            LOG.info("[{}] {}", command.label(), safe);
            synchronized (stderrTail) {
                if (stderrTail.size() == STDERR_TAIL_LINES) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(safe);
            }
        });
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setStreamHandler(new LargeBufferPumps(out, err, new ByteArrayInputStream(new byte[0])));
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
        try {
            Map<String, String> env = EnvironmentUtils.getProcEnvironment();
            env.putAll(command.environment());
            executor.execute(executor.commandLine(), env, handler);
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.PROCESS, "Could not start '" + command.arguments().get(0) + "': "
                    + redactor.apply(String.valueOf(e.getMessage())) + ". Check that it is installed and on PATH.", e);
        }
        return new RunningProcess(handler, watchdog, () -> {
            synchronized (stderrTail) {
                return String.join("\n", stderrTail);
            }
        });
    }

    /**
     * Runs a command and fails unless it exits with 0.
     *
     * @param command what to run
     * @param code the error code to report on failure
     * @param what what the command was doing, for the message, e.g. {@code dump the cluster}
     * @return the successful result
     */
    public ProcessResult runChecked(Command command, ErrorCode code, String what) {
        ProcessResult result = run(command);
        if (!result.succeeded()) {
            String detail = result.stderrTail().isBlank() ? "" : ": " + result.lastErrorLine();
            throw new UpgradeException(code, "Could not " + what + ": '" + command.label() + "' exited with "
                    + result.exitCode() + detail);
        }
        return result;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do with a stream of a finished process
        }
    }

    /** Replaces secret values with {@code ****}. */
    static final class Redactor {
        private final List<String> secrets;

        Redactor(List<String> secrets) {
            List<String> all = new ArrayList<>();
            for (String secret : secrets) {
                all.add(secret);
                // output is logged line by line, so each line of a multi-line secret is redacted too
                for (String line : secret.split("\\R")) {
                    if (!line.isBlank() && !line.equals(secret)) {
                        all.add(line);
                    }
                }
            }
            // longest first, so a secret that contains a shorter one is never left half visible
            all.sort(Comparator.comparingInt(String::length).reversed());
            this.secrets = all;
        }

        String apply(String text) {
            String out = text;
            for (String s : secrets) {
                out = out.replace(s, "****");
            }
            return out;
        }
    }

    private static final class LineLogger extends LogOutputStream {
        private static final int INFO_LEVEL = 999;

        private final java.util.function.Consumer<String> sink;

        LineLogger(java.util.function.Consumer<String> sink) {
            // decode as UTF-8 like captured output; a platform charset could garble a secret and defeat redaction
            super(INFO_LEVEL, StandardCharsets.UTF_8);
            this.sink = sink;
        }

        @Override
        protected void processLine(String line, int level) {
            sink.accept(line);
        }
    }

    private static final class CapturingStream extends OutputStream {
        private final StringBuilder target;
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();

        CapturingStream(StringBuilder target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public void close() {
            target.append(buffer.toString(StandardCharsets.UTF_8));
        }
    }
}
