package com.cloudogu.upgrade.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * A local HTTP Maven repository serving one tiny zonky-shaped jar (a fake {@code bin/postgres}, a
 * shared library behind a symlink), counting requests so tests can prove what was downloaded.
 */
final class FakeZonkyRepository implements AutoCloseable {

    static final String VERSION = "99.1.0";
    static final String POSTGRES_SCRIPT = "#!/bin/sh\necho fake postgres\n";

    private final HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final byte[] jar;
    private volatile String publishedSha1;

    FakeZonkyRepository() throws Exception {
        jar = buildJar();
        publishedSha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(jar));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body;
            if (path.endsWith(".jar")) {
                body = jar;
            } else if (path.endsWith(".jar.sha1")) {
                body = publishedSha1.getBytes(StandardCharsets.US_ASCII);
            } else {
                body = null;
            }
            if (body == null || !path.contains("/" + VERSION + "/")) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2");
    }

    /** Makes the repository publish a wrong checksum, as a corrupted mirror would. */
    void publishWrongChecksum() {
        publishedSha1 = "0".repeat(40);
    }

    int jarDownloads() {
        return requests.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".jar"))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static byte[] buildJar() throws IOException {
        ByteArrayOutputStream txz = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(txz))) {
            directory(tar, "bin/");
            // Owner-only mode, as some archives carry: the unpacker must open it up for the server user.
            file(tar, "bin/postgres", 0700, POSTGRES_SCRIPT);
            file(tar, "bin/initdb", 0755, "#!/bin/sh\n");
            directory(tar, "lib/");
            file(tar, "lib/libfake.so.1.2", 0644, "not really a library");
            TarArchiveEntry link = new TarArchiveEntry("lib/libfake.so.1", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("libfake.so.1.2");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            directory(tar, "share/postgresql/extension/");
            file(tar, "share/postgresql/extension/fake.control", 0644, "comment = 'fake'\n");
        }
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(jar)) {
            zip.putNextEntry(new ZipEntry(BinaryResolver.ARCHIVE_ENTRY));
            zip.write(txz.toByteArray());
            zip.closeEntry();
        }
        return jar.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040755);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, int mode, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0100000 | mode);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
