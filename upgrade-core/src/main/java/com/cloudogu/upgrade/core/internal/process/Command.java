package com.cloudogu.upgrade.core.internal.process;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An external command as an exact argument array: no shell is ever involved, so arguments need no
 * quoting and cannot be misinterpreted. Secrets never go into the arguments; pass them through a
 * file or the environment and name them with {@link Builder#secret(String)} so output is redacted.
 */
public final class Command {

    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final String runAsUser;
    private final Duration timeout;
    private final Supplier<InputStream> stdin;
    private final boolean captureStdout;
    private final List<String> secrets;
    private final String label;

    private Command(Builder b) {
        this.arguments = List.copyOf(b.arguments);
        this.environment = Map.copyOf(b.environment);
        this.workingDirectory = b.workingDirectory;
        this.runAsUser = b.runAsUser;
        this.timeout = b.timeout;
        this.stdin = b.stdin;
        this.captureStdout = b.captureStdout;
        this.secrets = List.copyOf(b.secrets);
        this.label = b.label != null ? b.label : Path.of(b.arguments.get(0)).getFileName().toString();
    }

    /**
     * @param executable absolute path or name of the program
     * @param arguments its arguments, each passed verbatim
     * @return a builder
     */
    public static Builder of(String executable, String... arguments) {
        Builder b = new Builder();
        b.arguments.add(Objects.requireNonNull(executable, "executable"));
        b.arguments.addAll(List.of(arguments));
        return b;
    }

    /** @return program and arguments, exactly as they are executed (before any run-as prefix) */
    public List<String> arguments() {
        return arguments;
    }

    /** @return extra environment variables on top of the current process environment */
    public Map<String, String> environment() {
        return environment;
    }

    /** @return the working directory, empty for the current one */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** @return the OS user to run as (only honoured when running as root), empty for the current user */
    public Optional<String> runAsUser() {
        return Optional.ofNullable(runAsUser);
    }

    /** @return how long the command may run before it is killed */
    public Duration timeout() {
        return timeout;
    }

    /** @return a supplier of the standard input, empty for none */
    public Optional<Supplier<InputStream>> stdin() {
        return Optional.ofNullable(stdin);
    }

    /** @return whether standard output is captured into the result instead of logged */
    public boolean captureStdout() {
        return captureStdout;
    }

    /** @return values that must never appear in logs or messages */
    public List<String> secrets() {
        return secrets;
    }

    /** @return a short name for log lines, e.g. {@code pg_dumpall} */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return String.join(" ", arguments);
    }

    /** Builds a {@link Command}. */
    public static final class Builder {
        private final List<String> arguments = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> secrets = new ArrayList<>();
        private Path workingDirectory;
        private String runAsUser;
        private Duration timeout = Duration.ofMinutes(10);
        private Supplier<InputStream> stdin;
        private boolean captureStdout;
        private String label;

        private Builder() {
        }

        /** @param more further arguments, each passed verbatim @return this */
        public Builder args(String... more) {
            arguments.addAll(List.of(more));
            return this;
        }

        /** @param more further arguments, each passed verbatim @return this */
        public Builder args(List<String> more) {
            arguments.addAll(more);
            return this;
        }

        /** @param name variable @param value value @return this */
        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** @param directory working directory @return this */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** @param user OS user to run as when the current process is root; null for none @return this */
        public Builder runAs(String user) {
            this.runAsUser = user;
            return this;
        }

        /** @param limit maximum run time @return this */
        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /** @param input supplier of standard input, opened when the command starts @return this */
        public Builder stdin(Supplier<InputStream> input) {
            this.stdin = input;
            return this;
        }

        /** @return this, with standard output captured into the result */
        public Builder captureStdout() {
            this.captureStdout = true;
            return this;
        }

        /** @param value a value to redact from every logged line and message @return this */
        public Builder secret(String value) {
            if (value != null && !value.isEmpty()) {
                secrets.add(value);
            }
            return this;
        }

        /** @param name short name for log lines @return this */
        public Builder label(String name) {
            this.label = name;
            return this;
        }

        /** @return the command */
        public Command build() {
            return new Command(this);
        }
    }
}
