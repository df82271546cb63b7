package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.Executables;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dogu's own configuration, read and written with {@code doguctl config}, exactly as the
 * dogu's shell scripts do:
 *
 * <ul>
 *   <li>get: {@code doguctl config --default <sentinel> KEY}. The sentinel is a fresh random value
 *       per call, so output equal to it means "not set"; a non-zero exit always means doguctl
 *       failed, never "not set" (the shell scripts confused the two).</li>
 *   <li>set: {@code doguctl config KEY VALUE}</li>
 *   <li>remove: {@code doguctl config --rm KEY}</li>
 * </ul>
 *
 * <p>Keys that hold secrets ({@link StateKeys#PASSWORD}) are read and written with {@code -e}
 * (encrypted). <b>Setting a secret passes its value as a command-line argument</b>, because
 * doguctl accepts a value in no other way (no stdin, no file). It is visible in the process list
 * to users of the same container for the few milliseconds doguctl runs; it is registered as a
 * {@link Command.Builder#secret(String) secret} of the command, so it is redacted from every log
 * line and error message, and this class never logs values at all.
 *
 * <p>A value that starts with a dash is preceded by {@code --}: doguctl's argument parser would
 * otherwise take it for an option. Values are passed verbatim (no shell), so spaces, quotes and
 * newlines round-trip; doguctl prints a value followed by one newline, and exactly that one
 * newline is removed.
 *
 * <p>Failed calls (non-zero exit, doguctl hanging or not starting) are retried according to a
 * {@link RetryPolicy}, since etcd may be briefly unreachable while containers are replaced.
 */
public final class DoguctlStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(DoguctlStateStore.class);

    /** The executable's name on {@code PATH}. */
    public static final String EXECUTABLE = "doguctl";

    private static final Set<String> ENCRYPTED_KEYS = Set.of(StateKeys.PASSWORD);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]*");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final ProcessRunner runner;
    private final Path doguctl;
    private final Map<String, String> environment;
    private final RetryPolicy retry;

    /**
     * @param runner runs doguctl
     * @param doguctl the doguctl executable
     * @param environment extra environment variables for doguctl (e.g. {@code PATH})
     * @param retry how failed calls are retried
     */
    public DoguctlStateStore(ProcessRunner runner, Path doguctl, Map<String, String> environment, RetryPolicy retry) {
        this.runner = runner;
        this.doguctl = doguctl;
        this.environment = Map.copyOf(environment);
        this.retry = retry;
    }

    /**
     * Finds doguctl on the {@code PATH} setting, or this process's {@code PATH} if the settings
     * have none, and retries with {@link RetryPolicy#standard()}.
     *
     * @param settings environment-style settings; only {@code PATH} is used
     * @return the store
     * @throws StateStoreException if doguctl is not on that path
     */
    public static DoguctlStateStore fromSettings(Map<String, String> settings) {
        return fromSettings(settings, RetryPolicy.standard());
    }

    /**
     * @param settings environment-style settings; only {@code PATH} is used
     * @param retry how failed calls are retried
     * @return the store
     * @throws StateStoreException if doguctl is not on that path
     */
    public static DoguctlStateStore fromSettings(Map<String, String> settings, RetryPolicy retry) {
        String pathSetting = settings.get("PATH");
        Executables executables = pathSetting != null ? new Executables(pathSetting) : Executables.fromEnvironment();
        Path found = executables.find(EXECUTABLE).orElseThrow(() -> new StateStoreException(
                "The state store 'doguctl' needs the doguctl program, but it is not on PATH (" + executables.path()
                        + "). Run dogu-upgrade inside the dogu container, or use the state store file:/path."));
        // doguctl itself may look up programs, so it sees the same PATH it was found on
        Map<String, String> env = pathSetting != null ? Map.of("PATH", pathSetting) : Map.of();
        return new DoguctlStateStore(ProcessRunner.forCurrentProcess(), found, env, retry);
    }

    @Override
    public Optional<String> get(String key) {
        checkKey(key);
        String sentinel = "dogu-upgrade-unset-" + UUID.randomUUID();
        List<String> args = new ArrayList<>();
        args.add("config");
        if (isEncrypted(key)) {
            args.add("-e");
        }
        args.addAll(List.of("--default", sentinel, key));
        ProcessResult result = call("read", key, command(args).captureStdout());
        String value = withoutFinalNewline(result.stdout());
        if (value.equals(sentinel)) {
            LOG.debug("state key '{}' is not set", key);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    @Override
    public void set(String key, String value) {
        checkKey(key);
        if (value == null) {
            throw new StateStoreException("Cannot set state key '" + key + "' to null; remove it instead.");
        }
        if (value.indexOf('\0') >= 0) {
            throw new StateStoreException("Cannot set state key '" + key
                    + "': doguctl takes values as command-line arguments, which cannot contain NUL characters.");
        }
        List<String> args = new ArrayList<>();
        args.add("config");
        if (isEncrypted(key)) {
            args.add("-e");
        }
        if (value.startsWith("-")) {
            args.add("--");
        }
        args.add(key);
        args.add(value);
        Command.Builder command = command(args);
        if (isEncrypted(key)) {
            command.secret(value);
        }
        call("write", key, command);
        LOG.debug("state key '{}' set", key);
    }

    @Override
    public void remove(String key) {
        checkKey(key);
        call("remove", key, command(List.of("config", "--rm", key)));
        LOG.debug("state key '{}' removed", key);
    }

    @Override
    public String describe() {
        return "doguctl";
    }

    /** @return the doguctl executable this store runs */
    public Path executable() {
        return doguctl;
    }

    private Command.Builder command(List<String> args) {
        Command.Builder builder = Command.of(doguctl.toString()).args(args).label(EXECUTABLE).timeout(CALL_TIMEOUT);
        environment.forEach(builder::env);
        return builder;
    }

    /** Runs one doguctl call, retrying failures; the value of a secret never reaches the messages. */
    private ProcessResult call(String action, String key, Command.Builder builder) {
        Command command = builder.build();
        String failure = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            try {
                ProcessResult result = runner.run(command);
                if (result.succeeded()) {
                    if (attempt > 1) {
                        LOG.info("doguctl could {} state key '{}' on attempt {}", action, key, attempt);
                    }
                    return result;
                }
                failure = "exit code " + result.exitCode()
                        + (result.lastErrorLine().isEmpty() ? "" : ", " + result.lastErrorLine());
            } catch (StateStoreException e) {
                throw e;
            } catch (UpgradeException e) {
                // could not start, or hung and was killed: possibly transient as well
                failure = e.getMessage();
            }
            if (attempt < retry.attempts()) {
                Duration pause = retry.delays().get(attempt - 1);
                LOG.warn("doguctl could not {} state key '{}' (attempt {} of {}: {}); retrying in {} ms",
                        action, key, attempt, retry.attempts(), failure, pause.toMillis());
                sleep(pause, action, key);
            }
        }
        throw new StateStoreException("doguctl could not " + action + " state key '" + key + "' ("
                + retry.attempts() + (retry.attempts() == 1 ? " attempt" : " attempts") + "; last: " + failure
                + "). Check that the dogu's configuration store (etcd or the config volume) is reachable.");
    }

    private static void sleep(Duration pause, String action, String key) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("Interrupted while waiting to retry to " + action + " state key '" + key
                    + "'.", e);
        }
    }

    private static boolean isEncrypted(String key) {
        return ENCRYPTED_KEYS.contains(key);
    }

    private static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new StateStoreException("Invalid state key '" + key
                    + "': use letters, digits, '_', '.', '/' and '-', not starting with '-'.");
        }
    }

    /** doguctl prints the value and one newline; only that newline is not part of the value. */
    static String withoutFinalNewline(String output) {
        return output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
    }
}
