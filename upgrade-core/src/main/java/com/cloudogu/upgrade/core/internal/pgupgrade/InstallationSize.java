package com.cloudogu.upgrade.core.internal.pgupgrade;

import com.cloudogu.upgrade.core.internal.process.Command;
import com.cloudogu.upgrade.core.internal.process.ProcessResult;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.server.PostgresInstallation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * How much the carried-over installation will take on the volume, measured for {@code plan} without
 * copying anything: the programs, the package library directory without the JIT, the share
 * directory, and the libraries {@code postgres} itself needs (the bulk of the closure: ICU, OpenSSL,
 * libxml2; extensions' own few are left out of this estimate).
 */
public final class InstallationSize {

    private InstallationSize() {
    }

    /**
     * @param server the installation on {@code PATH} (the old one, in the old container)
     * @param runner runs {@code ldd}
     * @return the estimate in bytes, empty if the installation cannot be read
     */
    public static OptionalLong estimate(PostgresInstallation server, ProcessRunner runner) {
        try {
            OldInstallation old = OldInstallation.of(server, runner);
            long bytes = 0;
            for (Path program : old.programs()) {
                bytes += Files.size(program);
            }
            bytes += tree(old.pkglib(), true) + tree(old.share(), false);
            ProcessResult ldd = runner.run(Command.of("ldd", old.bin().resolve("postgres").toString()).captureStdout()
                    .build());
            for (Path lib : new LibraryClosure().add(ldd.stdout()).resolved().values()) {
                bytes += Files.size(lib);
            }
            return OptionalLong.of(bytes);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static long tree(Path dir, boolean withoutJit) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !withoutJit || !isJit(dir.relativize(p).getName(0).toString()))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static boolean isJit(String first) {
        return first.equals("bitcode") || first.startsWith("llvmjit");
    }
}
