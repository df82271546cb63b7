package com.cloudogu.upgrade.core.internal.process;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.ExecuteWatchdog;

/** A command started in the background, e.g. a temporary PostgreSQL server. */
public final class RunningProcess {

    private final DefaultExecuteResultHandler handler;
    private final ExecuteWatchdog watchdog;
    private final Supplier<String> stderrTail;

    RunningProcess(DefaultExecuteResultHandler handler, ExecuteWatchdog watchdog, Supplier<String> stderrTail) {
        this.handler = handler;
        this.watchdog = watchdog;
        this.stderrTail = stderrTail;
    }

    /** @return whether the process has exited */
    public boolean hasExited() {
        return handler.hasResult();
    }

    /** @return the exit code if exited, else -1 */
    public int exitCode() {
        return handler.hasResult() ? handler.getExitValue() : -1;
    }

    /** @return the last lines the process wrote to standard error (redacted) */
    public String stderrTail() {
        return stderrTail.get();
    }

    /** @return the last line the process wrote to standard error (redacted), empty if none */
    public String lastErrorLine() {
        return ProcessResult.lastLineOf(stderrTail.get());
    }

    /**
     * @param limit how long to wait
     * @return whether it exited within the limit
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean waitFor(Duration limit) throws InterruptedException {
        handler.waitFor(limit);
        return handler.hasResult();
    }

    /** Kills the process (last resort; servers are stopped with {@code pg_ctl stop} first). */
    public void kill() {
        watchdog.destroyProcess();
    }
}
