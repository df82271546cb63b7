package com.cloudogu.upgrade.core.internal.backup;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The line {@code pg_dumpall} writes last. A script without it was cut short (a full disk, a killed
 * dump) even when the exit code claims success, so no such script is ever published.
 */
public final class DumpallTrailer {

    static final String TRAILER = "PostgreSQL database cluster dump complete";

    private DumpallTrailer() {
    }

    /** @param dump a {@code pg_dumpall} script @throws UpgradeException if its last 512 bytes lack the trailer */
    public static void require(Path dump) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dump.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 512);
            byte[] tail = new byte[n];
            f.seek(len - n);
            f.readFully(tail);
            if (!new String(tail, StandardCharsets.UTF_8).contains(TRAILER)) {
                throw new UpgradeException(ErrorCode.BACKUP_FAILED, "The dump " + dump + " lacks pg_dumpall's completion"
                        + " line ('" + TRAILER + "'): it is incomplete. The old cluster is untouched; run pre-upgrade again.");
            }
        }
    }
}
