package com.cloudogu.upgrade.core.internal.process;

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.StreamPumper;

/**
 * Commons Exec's stream handler with 64 KiB pump buffers instead of 1 KiB: a restore feeds the whole
 * dump through standard input, and a thousand-fold fewer pipe writes per gigabyte is measurable.
 */
final class LargeBufferPumps extends PumpStreamHandler {

    private static final int BUFFER = 64 * 1024;

    LargeBufferPumps(OutputStream out, OutputStream err, InputStream in) {
        super(out, err, in);
    }

    @Override
    protected Thread createPump(InputStream is, OutputStream os, boolean closeWhenExhausted) {
        Thread pump = new Thread(new StreamPumper(is, os, closeWhenExhausted, BUFFER), "dogu-upgrade-pump");
        pump.setDaemon(true);
        return pump;
    }
}
