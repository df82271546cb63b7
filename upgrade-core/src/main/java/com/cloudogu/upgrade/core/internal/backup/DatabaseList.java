package com.cloudogu.upgrade.core.internal.backup;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The databases of a parallel backup, in restore order, stored inside the backup directory (so its
 * checksum covers it): for each, its name, the {@code pg_dump} directory that holds it, and whether
 * the restore creates it. {@code template1} and {@code postgres} exist in every fresh cluster and only
 * get their contents restored, exactly as {@code pg_dumpall}'s script does.
 *
 * @param entries the databases, template1 first
 */
public record DatabaseList(List<Entry> entries) {

    /** The globals file ({@code pg_dumpall --globals-only}) inside a parallel backup. */
    public static final String GLOBALS = "globals.sql";
    /** This list's file inside a parallel backup. */
    public static final String FILE = "databases.properties";

    /**
     * @param name database name
     * @param directory the {@code pg_dump} directory, relative to the backup
     * @param create whether the restore creates the database ({@code pg_restore --create})
     */
    public record Entry(String name, String directory, boolean create) {
    }

    /** @param names database names in dump order @return the list with directories assigned */
    static DatabaseList of(List<String> names) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            entries.add(new Entry(name, String.format(Locale.ROOT, "db-%04d", i + 1),
                    !name.equals("template1") && !name.equals("postgres")));
        }
        return new DatabaseList(List.copyOf(entries));
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("databases", Integer.toString(entries.size()));
        for (int i = 0; i < entries.size(); i++) {
            p.setProperty("database." + i + ".name", entries.get(i).name());
            p.setProperty("database." + i + ".directory", entries.get(i).directory());
            p.setProperty("database." + i + ".create", Boolean.toString(entries.get(i).create()));
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "dogu-upgrade parallel backup: databases in restore order");
        }
    }

    /**
     * @param backup a verified parallel backup directory
     * @return its databases
     * @throws IOException if the list is missing or malformed
     */
    public static DatabaseList read(Path backup) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(backup.resolve(FILE), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            int n = Integer.parseInt(p.getProperty("databases"));
            List<Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String dir = p.getProperty("database." + i + ".directory");
                if (dir == null || !dir.matches("db-[0-9]{4,}")) {
                    throw malformed(backup, "entry " + i + " has no valid directory", null);
                }
                entries.add(new Entry(java.util.Objects.requireNonNull(p.getProperty("database." + i + ".name"),
                        "entry " + i + " has no name"),
                        dir, Boolean.parseBoolean(p.getProperty("database." + i + ".create"))));
            }
            return new DatabaseList(List.copyOf(entries));
        } catch (RuntimeException e) {
            throw malformed(backup, e.getMessage(), e);
        }
    }

    private static IOException malformed(Path backup, String why, Throwable cause) {
        return new IOException(backup.resolve(FILE) + " is malformed: " + why, cause);
    }
}
