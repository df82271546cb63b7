package com.cloudogu.upgrade.core.internal.server;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A PostgreSQL data directory ({@code PGDATA}) and what can be read from it without a server.
 *
 * @param path the directory
 */
public record DataDirectory(Path path) {

    /** Written into a cluster this tool initialized as a restore target; only such a cluster is ever wiped. */
    public static final String RESTORE_TARGET_MARKER = "dogu-upgrade-restore-target";

    /** @return whether the directory holds an initialized cluster ({@code PG_VERSION} exists) */
    public boolean isInitialized() {
        return Files.isRegularFile(path.resolve("PG_VERSION"));
    }

    /** @return whether the directory is missing or has no entries */
    public boolean isEmpty() {
        if (!Files.isDirectory(path)) {
            return true;
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the major in {@code PG_VERSION} ({@code 9.6} or {@code 17}), if initialized */
    public Optional<String> postgresMajor() {
        if (!isInitialized()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(path.resolve("PG_VERSION")).strip());
        } catch (IOException e) {
            throw new UpgradeException(ErrorCode.DATA_DIRECTORY, "Cannot read " + path.resolve("PG_VERSION") + ": "
                    + e.getMessage(), e);
        }
    }

    /** @return whether this tool initialized the cluster as a restore target (safe to wipe and redo) */
    public boolean isRestoreTarget() {
        return Files.isRegularFile(path.resolve(RESTORE_TARGET_MARKER));
    }

    /** @return the sibling a replaced cluster of {@code major} is moved to, on the same volume */
    public Path asideLocation(String major) {
        return path.resolveSibling(path.getFileName() + ".previous-" + major);
    }
}
