package com.cloudogu.upgrade.core.internal.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;

/**
 * A Commons Exec executor that starts exactly the given argument array. Commons Exec trims every
 * argument of a {@link CommandLine} (leading and trailing spaces and newlines vanish), which would
 * silently change values such as a state value ending in a newline; so the process is launched
 * here from the untouched list and the {@code CommandLine} serves only for Commons Exec's messages.
 */
final class ExactArgumentsExecutor extends DefaultExecutor {

    private final List<String> argv;
    private final Path workingDirectory;

    /**
     * @param argv program and arguments, passed verbatim
     * @param workingDirectory the working directory, or null for the current one
     */
    @SuppressWarnings("deprecation") // the builder offers no way to change how the process is launched
    ExactArgumentsExecutor(List<String> argv, Path workingDirectory) {
        super();
        this.argv = List.copyOf(argv);
        this.workingDirectory = workingDirectory;
    }

    /** @return a command line for Commons Exec's bookkeeping (its arguments may be trimmed) */
    CommandLine commandLine() {
        CommandLine line = new CommandLine(argv.get(0));
        for (String arg : argv.subList(1, argv.size())) {
            line.addArgument(arg, false);
        }
        return line;
    }

    @Override
    protected Process launch(CommandLine ignored, Map<String, String> environment, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder.start();
    }

    @Override
    protected Process launch(CommandLine ignored, Map<String, String> environment, File directory) throws IOException {
        return launch(ignored, environment, directory == null ? null : directory.toPath());
    }
}
