package com.cloudogu.upgrade.core.internal.layout;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds clusters on the volume other than {@code PGDATA}, where the dogu's images keep them: every
 * directory above {@code PGDATA} (the legacy layout's volume root), and for a {@code PGDATA} of the
 * form {@code <volume>/<major>/docker} also {@code <volume>/data} and {@code <volume>/*}{@code /docker}
 * — the places the official 18 entrypoint checks before it initializes.
 */
public final class OldClusterScan {

    private OldClusterScan() {
    }

    /**
     * @param pgdata the new image's {@code PGDATA}
     * @param recorded the old cluster's path recorded by pre-upgrade, if any
     * @return the directories holding a {@code PG_VERSION}, {@code PGDATA} itself excluded
     */
    public static List<Path> around(Path pgdata, Optional<Path> recorded) {
        Path self = pgdata.toAbsolutePath().normalize();
        Set<Path> candidates = new LinkedHashSet<>();
        recorded.map(p -> p.toAbsolutePath().normalize()).ifPresent(candidates::add);
        for (Path p = self.getParent(); p != null; p = p.getParent()) {
            candidates.add(p);
        }
        Path majorDir = self.getParent();
        if (self.getFileName() != null && self.getFileName().toString().equals("docker") && majorDir != null
                && majorDir.getParent() != null) {
            Path volume = majorDir.getParent();
            candidates.add(volume.resolve("data"));
            try (DirectoryStream<Path> majors = Files.newDirectoryStream(volume)) {
                for (Path m : majors) {
                    candidates.add(m.resolve("docker"));
                }
            } catch (IOException e) {
                // an unreadable volume root has no clusters we could see
            }
        }
        List<Path> found = new ArrayList<>();
        for (Path c : candidates) {
            if (!c.equals(self) && Files.isRegularFile(c.resolve(ClusterEntries.PG_VERSION))) {
                found.add(c);
            }
        }
        return found;
    }
}
