package com.cloudogu.upgrade.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every command shares, in one table: option name, environment variable, default,
 * type and description.
 *
 * <p>Both ways into the CLI read this table: picocli takes each option's default from it through
 * {@link SettingDefaults} and its help text through {@link SettingDescriptions}; {@link HookFastPath}
 * resolves the same entries directly, without building picocli's model. The {@code @Option} fields of
 * {@link SharedOptions} and {@link BackupOptions} only declare the options to picocli; a test checks
 * that they and this table name the same options with the same types.
 *
 * <p>Deliberately free of picocli types: the fast path must not load picocli.
 */
enum Setting {

    PGDATA("--pgdata", "PGDATA", "/var/lib/postgresql", Type.PATH, "PostgreSQL data directory"),
    BACKUP_DIR("--backup-dir", "DOGU_UPGRADE_BACKUP_DIR", "/var/lib/postgresql/backup", Type.PATH,
            "Where full backups are written"),
    STATE_STORE("--state-store", "DOGU_UPGRADE_STATE_STORE", "doguctl", Type.STRING,
            "State store: doguctl, or file:<path>"),
    LOCK_FILE("--lock-file", "DOGU_UPGRADE_LOCK_FILE", "/tmp/dogu-upgrade.lock", Type.PATH,
            "Phase lock, outside the data volume"),
    WAIT_TIMEOUT("--wait-timeout", "DOGU_UPGRADE_WAIT_TIMEOUT", "1800", Type.LONG,
            "How long startup waits for a running upgrade"),
    RESTORE_IN_POST_UPGRADE("--restore-in-post-upgrade", "DOGU_UPGRADE_RESTORE_IN_POST_UPGRADE", "false", Type.BOOLEAN,
            "Restore inside post-upgrade instead of on the next startup"),
    KEEP_BACKUP("--keep-backup", "DOGU_UPGRADE_KEEP_BACKUP", "false", Type.BOOLEAN,
            "Keep the backup after a successful restore"),
    KEEP_OLD_CLUSTER("--keep-old-cluster", "DOGU_UPGRADE_KEEP_OLD_CLUSTER", "false", Type.BOOLEAN,
            "Keep the moved-aside old cluster after a successful restore"),
    READ_ONLY_DURING_BACKUP("--read-only-during-backup", "DOGU_UPGRADE_READ_ONLY_DURING_BACKUP", "false", Type.BOOLEAN,
            "pre-upgrade: make the old cluster refuse writes before the dump; undone by abort"),
    BACKUP_STRATEGY("--backup-strategy", "DOGU_UPGRADE_BACKUP_STRATEGY", "plain", Type.STRING,
            "pre-upgrade: 'plain' writes one pg_dumpall file (restored with psql); 'parallel' writes globals plus one"
                    + " pg_dump directory per database, dumped and restored with --jobs. A restore always follows the"
                    + " backup's own format"),
    JOBS("--jobs", "DOGU_UPGRADE_JOBS", "0", Type.INT,
            "Parallel jobs of the parallel dump and restore, 0 for one per CPU"),
    UPGRADE_METHOD("--upgrade-method", "DOGU_UPGRADE_METHOD", "dump", Type.STRING,
            "How a major upgrade crosses: 'dump' (a full backup, restored into a fresh cluster) or 'pg-upgrade'"
                    + " (pre-upgrade carries the old installation over the volume; the new image runs pg_upgrade)"),
    PG_UPGRADE_MODE("--pg-upgrade-mode", "DOGU_UPGRADE_PG_UPGRADE_MODE", "auto", Type.STRING,
            "With --upgrade-method pg-upgrade: 'auto' (clone where the file system can, else copy where there is"
                    + " room), 'clone', 'copy' or 'link' (link needs a rollback, see --pg-upgrade-rollback)"),
    PG_UPGRADE_ROLLBACK("--pg-upgrade-rollback", "DOGU_UPGRADE_PG_UPGRADE_ROLLBACK", "dump", Type.STRING,
            "With --upgrade-method pg-upgrade: the way back from a link-mode pg_upgrade once the new cluster has"
                    + " started. 'dump': pre-upgrade also writes a plain pg_dumpall backup when link may be chosen;"
                    + " 'none': no dump, the operator keeps a volume snapshot"),
    PLUGINS("--plugins", "DOGU_UPGRADE_PLUGINS", null, Type.STRING,
            "Also load the migrations (and other providers) of every *.jar in DIR; DIR and its jars must belong to root"
                    + " or the current user and not be writable by group or others"),
    EVENTS_FILE("--events-file", "DOGU_UPGRADE_EVENTS_FILE", null, Type.STRING,
            "Append every phase and migration event to FILE as one JSON object per line, see docs/EVENTS.md");

    /** How a setting's text becomes its value; picocli converts the option fields of the same Java type alike. */
    enum Type {
        STRING(String.class) {
            @Override
            Object parse(String text) {
                return text;
            }
        },
        PATH(Path.class) {
            @Override
            Object parse(String text) {
                return Path.of(text); // InvalidPathException is an IllegalArgumentException
            }
        },
        LONG(long.class) {
            @Override
            Object parse(String text) {
                return Long.parseLong(text);
            }
        },
        INT(int.class) {
            @Override
            Object parse(String text) {
                return Integer.parseInt(text);
            }
        },
        BOOLEAN(boolean.class) {
            @Override
            Object parse(String text) {
                // As picocli reads a flag's default: the two words in any case, and empty for off
                // (DOGU_UPGRADE_KEEP_BACKUP= in a compose file); anything else is a usage error.
                if (text.isEmpty() || text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new IllegalArgumentException("'" + text + "' is not a boolean");
            }
        };

        private final Class<?> javaType;

        Type(Class<?> javaType) {
            this.javaType = javaType;
        }

        /** @return the type of the option field picocli fills */
        Class<?> javaType() {
            return javaType;
        }

        /**
         * @param text a value from the environment or the default, never null
         * @return the value
         * @throws IllegalArgumentException if the text is no value of this type
         */
        abstract Object parse(String text);
    }

    private final String option;
    private final String environmentVariable;
    private final String defaultValue;
    private final Type type;
    private final String description;

    Setting(String option, String environmentVariable, String defaultValue, Type type, String description) {
        this.option = option;
        this.environmentVariable = environmentVariable;
        this.defaultValue = defaultValue;
        this.type = type;
        this.description = description;
    }

    /** @return the option name, e.g. {@code --pgdata} */
    String option() {
        return option;
    }

    /** @return the environment variable that overrides the default, e.g. {@code PGDATA} */
    String environmentVariable() {
        return environmentVariable;
    }

    /** @return the default, or null for "none" */
    String defaultValue() {
        return defaultValue;
    }

    Type type() {
        return type;
    }

    /** @return the description without the environment and default part */
    String description() {
        return description;
    }

    /**
     * @param environment the process environment
     * @return the text the setting has when no option is given: the environment variable's value if it
     *         is set (also when empty), else the default, which may be null
     */
    String text(Map<String, String> environment) {
        String value = environment.get(environmentVariable);
        return value != null ? value : defaultValue;
    }

    /**
     * @return the help text: description, environment variable and default; {@code ${DEFAULT-VALUE}} is
     *         picocli's placeholder for the default in effect, which the environment may have changed
     */
    String helpText() {
        String defaultPart;
        if (type == Type.BOOLEAN) {
            defaultPart = ""; // a flag's default is "off" unless the environment says otherwise
        } else if (defaultValue == null) {
            defaultPart = ", default: none";
        } else {
            defaultPart = ", default: ${DEFAULT-VALUE}";
        }
        return description + " (env " + environmentVariable + defaultPart + ")";
    }

    /** @return the key of the help text in {@link SettingDescriptions}: the option name without dashes */
    String descriptionKey() {
        return option.substring(2);
    }

    /**
     * @param option an option name such as {@code --pgdata}
     * @return the setting of that option, if it has one
     */
    static Optional<Setting> ofOption(String option) {
        for (Setting s : values()) {
            if (s.option.equals(option)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
