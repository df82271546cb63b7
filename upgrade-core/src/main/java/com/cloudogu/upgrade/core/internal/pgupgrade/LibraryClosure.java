package com.cloudogu.upgrade.core.internal.pgupgrade;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared libraries a set of programs needs, as the dynamic loader resolves them ({@code ldd}
 * output, glibc's and musl's forms): soname → resolved file, plus the sonames it could not resolve.
 * The virtual {@code linux-vdso}/{@code linux-gate} objects have no file and are left out.
 */
public final class LibraryClosure {

    // "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)", "libfoo.so.1 => not found",
    // "/lib64/ld-linux-x86-64.so.2 (0x...)", musl: "libc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x...)"
    private static final Pattern RESOLVED = Pattern.compile("^\\s*(\\S+) => (/\\S+) \\(0x[0-9a-f]+\\)\\s*$");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found\\s*$");
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+) \\(0x[0-9a-f]+\\)\\s*$");

    private final Map<String, Path> resolved = new LinkedHashMap<>();
    private final Set<String> missing = new LinkedHashSet<>();

    /**
     * Adds what one {@code ldd} run printed.
     *
     * @param lddOutput the output
     * @return this
     */
    public LibraryClosure add(String lddOutput) {
        for (String line : lddOutput.lines().toList()) {
            Matcher m = RESOLVED.matcher(line);
            if (m.matches()) {
                // A loader outside the standard place is printed as "/path/ld.so => /path/ld.so": the key is
                // a file name under deps/, never a path (an absolute key would resolve outside deps/)
                String soname = Path.of(m.group(1)).getFileName().toString();
                resolved.putIfAbsent(soname, Path.of(m.group(2)));
                missing.remove(soname);
                continue;
            }
            m = NOT_FOUND.matcher(line);
            if (m.matches() && !resolved.containsKey(m.group(1))) {
                missing.add(m.group(1));
                continue;
            }
            m = LOADER.matcher(line);
            if (m.matches()) {
                Path loader = Path.of(m.group(1));
                resolved.putIfAbsent(loader.getFileName().toString(), loader);
            }
        }
        return this;
    }

    /** @return soname → the file the loader resolved it to, in the order first seen */
    public Map<String, Path> resolved() {
        return resolved;
    }

    /** @return sonames the loader could not find */
    public Set<String> missing() {
        return missing;
    }
}
