package com.cloudogu.upgrade.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a zonky binaries jar in the local Maven repository or downloads it from a remote one,
 * checking it against the {@code .sha1} published next to it. A download lands under a temporary
 * name and is renamed atomically, so the local repository never holds a partial or unverified jar.
 */
final class MavenArtifactFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(MavenArtifactFetcher.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    private final Path localRepository;
    private final URI remoteRepository;
    private final HttpClient http;

    MavenArtifactFetcher(Path localRepository, URI remoteRepository) {
        this.localRepository = localRepository;
        this.remoteRepository = remoteRepository;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** @return the jar's place in the local repository (it may not exist yet) */
    Path localPath(String version) {
        return localRepository.resolve(relativePath(version));
    }

    /** @return the jar's URL in the remote repository */
    URI remoteUri(String version) {
        String base = remoteRepository.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + relativePath(version));
    }

    /** Returns the local jar, downloading and verifying it first if it is missing. */
    Path fetch(String version) throws IOException {
        Path jar = localPath(version);
        if (Files.isRegularFile(jar)) {
            LOG.debug("Using {} from the local repository", jar);
            return jar;
        }
        URI uri = remoteUri(version);
        String expectedSha1 = fetchSha1(URI.create(uri + ".sha1"));
        Files.createDirectories(jar.getParent());
        Path partial = Files.createTempFile(jar.getParent(), jar.getFileName() + ".", ".part");
        try {
            long started = System.nanoTime();
            LOG.info("Downloading {}", uri);
            MessageDigest sha1 = sha1();
            long bytes;
            try (InputStream body = open(uri);
                    DigestInputStream in = new DigestInputStream(body, sha1);
                    OutputStream out = Files.newOutputStream(partial)) {
                bytes = in.transferTo(out);
            }
            String actualSha1 = HexFormat.of().formatHex(sha1.digest());
            if (!actualSha1.equals(expectedSha1)) {
                throw new IOException("checksum mismatch for " + uri + ": the published SHA-1 is " + expectedSha1
                        + " but the download has " + actualSha1 + "; nothing was stored, retry or check the mirror");
            }
            // createTempFile made it owner-only; Maven's own downloads are world-readable.
            Files.setPosixFilePermissions(partial, FilePermissions.fromMode(0644));
            Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("Downloaded {} ({} MB) in {} ms, SHA-1 verified", jar.getFileName(),
                    String.format(Locale.ROOT, "%.1f", bytes / 1e6), (System.nanoTime() - started) / 1_000_000);
            return jar;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private String fetchSha1(URI uri) throws IOException {
        try (InputStream in = open(uri)) {
            // Maven Central publishes the bare hex; some mirrors append "  filename".
            String text = new String(in.readNBytes(4096), StandardCharsets.US_ASCII).trim();
            String hex = text.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{40}")) {
                throw new IOException(uri + " does not hold a SHA-1 checksum");
            }
            return hex;
        }
    }

    private InputStream open(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requesting " + uri, e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String relativePath(String version) {
        String artifact = PostgresBinaries.ARTIFACT_ID;
        return PostgresBinaries.GROUP_ID.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-"
                + version + ".jar";
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    }
}
