package com.cloudogu.upgrade.core.internal.restore;

import com.cloudogu.upgrade.core.internal.checkpoint.Checkpoint;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reaches the {@code restore.halfway} checkpoint once half of the backup has been fed to psql. */
final class HalfwayCheckpoint extends FilterInputStream {

    private final long half;
    private long read;
    private boolean reached;

    HalfwayCheckpoint(InputStream in, long size) {
        super(in);
        this.half = size / 2;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        count(Math.max(n, 0));
        return n;
    }

    private void count(int n) {
        read += n;
        if (!reached && read >= half) {
            reached = true;
            Checkpoint.RESTORE_HALFWAY.reach();
        }
    }
}
