package com.cloudogu.upgrade.testkit.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Binds programs unpacked from another Debian release to that release's own glibc.
 *
 * <p>Programs from trixie and sid reference glibc symbol versions newer than the host's (2.38 and
 * 2.43 against bookworm's 2.36), and bullseye's need sonames bookworm no longer has. An
 * {@code LD_LIBRARY_PATH} cannot fix that: {@code pg_ctl} and {@code pg_upgrade} start the other
 * programs through the host's {@code /bin/sh}, which would then load a foreign libc and crash. So each
 * ELF program gets the private dynamic loader as its interpreter and a DT_RPATH (which, unlike
 * RUNPATH, also applies to the libraries it loads and to extension modules it opens) pointing at
 * the private library directories. Host programs stay untouched.
 *
 * <p>patchelf comes from the same suite and runs through the private loader itself, so the host
 * needs no patchelf.
 */
final class PrivateLoader {

    private static final Duration PATCH_TIMEOUT = Duration.ofMinutes(1);
    private static final String LOADER = "ld-linux-x86-64.so.2";

    private final Path loader;
    private final String rpath;
    private final Path patchelf;

    private PrivateLoader(Path loader, String rpath, Path patchelf) {
        this.loader = loader;
        this.rpath = rpath;
        this.patchelf = patchelf;
    }

    /**
     * @param root the directory the suite's packages were unpacked into
     * @param extraLibraryDirectory a further directory for the RPATH (the PostgreSQL package library)
     */
    static PrivateLoader in(Path root, Path extraLibraryDirectory) throws IOException {
        Path loader = null;
        for (String candidate : List.of("usr/lib/x86_64-linux-gnu/" + LOADER, "lib/x86_64-linux-gnu/" + LOADER,
                "usr/lib64/" + LOADER, "lib64/" + LOADER)) {
            Path resolved = resolveInside(root, root.resolve(candidate));
            if (resolved != null && Files.isRegularFile(resolved)) {
                loader = resolved;
                break;
            }
        }
        if (loader == null) {
            throw new IOException("no dynamic loader " + LOADER + " in the unpacked libc6 under " + root);
        }
        String rpath = root.resolve("usr/lib/x86_64-linux-gnu") + ":" + root.resolve("lib/x86_64-linux-gnu") + ":"
                + extraLibraryDirectory;
        Path patchelf = root.resolve("usr/bin/patchelf");
        if (!Files.isExecutable(patchelf)) {
            throw new IOException("patchelf was not unpacked into " + root);
        }
        return new PrivateLoader(loader, rpath, patchelf);
    }

    /** @return the private dynamic loader */
    Path loader() {
        return loader;
    }

    /**
     * Patches every ELF program directly in {@code bin} (symbolic links are left alone).
     *
     * @return how many programs were patched
     */
    int patchPrograms(Path bin) throws IOException {
        List<Path> programs = new ArrayList<>();
        try (Stream<Path> files = Files.list(bin)) {
            for (Path file : files.sorted().toList()) {
                if (!Files.isSymbolicLink(file) && Files.isRegularFile(file) && isElf(file)) {
                    programs.add(file);
                }
            }
        }
        for (Path program : programs) {
            // Run patchelf, itself a program of the foreign release, through the private loader.
            Command.check(List.of(loader.toString(), "--library-path", rpath, patchelf.toString(),
                    "--set-interpreter", loader.toString(), "--force-rpath", "--set-rpath", rpath,
                    program.toString()), bin, Map.of(), PATCH_TIMEOUT);
        }
        return programs.size();
    }

    private static boolean isElf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        }
    }

    /**
     * Follows symbolic links the way they would resolve if {@code root} were {@code /}: bullseye's
     * {@code /lib64/ld-linux-x86-64.so.2} is an absolute link, which must not lead to the host's
     * loader.
     *
     * @return the resolved path, or null if it does not exist
     */
    static Path resolveInside(Path root, Path path) throws IOException {
        Path current = path;
        for (int hops = 0; hops < 40; hops++) {
            Path parent = resolveParentInside(root, current.getParent());
            if (parent == null) {
                return null;
            }
            current = parent.resolve(current.getFileName());
            if (!Files.isSymbolicLink(current)) {
                return Files.exists(current) ? current : null;
            }
            Path target = Files.readSymbolicLink(current);
            current = target.isAbsolute()
                    ? root.resolve(target.toString().substring(1)).normalize()
                    : current.getParent().resolve(target).normalize();
        }
        throw new IOException("too many symbolic links resolving " + path + " inside " + root);
    }

    // Directories on the way may be links too (usr-merge: lib -> usr/lib).
    private static Path resolveParentInside(Path root, Path dir) throws IOException {
        if (dir == null || !dir.startsWith(root)) {
            return null;
        }
        if (dir.equals(root)) {
            return dir;
        }
        Path parent = resolveParentInside(root, dir.getParent());
        if (parent == null) {
            return null;
        }
        Path here = parent.resolve(dir.getFileName());
        if (Files.isSymbolicLink(here)) {
            return resolveInside(root, here);
        }
        return Files.isDirectory(here) ? here : null;
    }
}
