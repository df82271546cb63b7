package com.cloudogu.upgrade.core.internal.layout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A fake cluster on a fake volume: the file names PostgreSQL uses, with some content, no server. */
final class VolumeFixture {

    static final List<String> CLUSTER = List.of("PG_VERSION", "base/1/1259", "base/5/2608", "global/pg_control",
            "pg_wal/000000010000000000000001", "pg_xact/0000", "pg_hba.conf", "postgresql.conf",
            "postgresql.auto.conf", "pg_tblspc/.keep");

    private VolumeFixture() {
    }

    static void cluster(Path dir, String major) throws IOException {
        for (String f : CLUSTER) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.equals("PG_VERSION") ? major + "\n" : "content of " + f);
        }
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
