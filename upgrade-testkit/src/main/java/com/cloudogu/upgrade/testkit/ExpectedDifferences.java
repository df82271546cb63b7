package com.cloudogu.upgrade.testkit;

import com.cloudogu.upgrade.testkit.ClusterFingerprint.Difference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The differences a dump-and-restore major upgrade brings by design, each a named class with its
 * reason and a narrow matcher, documented in {@code docs/EXPECTED-DIFFERENCES.md}. A test applies
 * them explicitly to {@link CatalogSnapshot#diff} and requires that nothing is left:
 *
 * <pre>{@code
 * ExpectedDifferences.Classification c = ExpectedDifferences.classify(before, after, ExpectedDifferences.ALL);
 * assertThat(c.unexplained()).isEmpty();
 * }</pre>
 *
 * <p>A class only explains a difference when the upgrade crosses the major that introduced the
 * change, and only when the values differ in exactly the way the class describes (e.g. the view
 * definition becomes equal once the table qualifiers are removed, not "any view changed").
 */
public final class ExpectedDifferences {

    /** One class of expected differences. */
    public interface ExpectedDifference {
        /** @return the stable id, as in {@code docs/EXPECTED-DIFFERENCES.md} */
        String id();

        /** @return why it differs, in one sentence */
        String reason();

        /**
         * @param difference one difference
         * @param before the snapshot before the upgrade
         * @param after the snapshot after the upgrade
         * @return whether this class explains it
         */
        boolean explains(Difference difference, CatalogSnapshot before, CatalogSnapshot after);
    }

    /**
     * The result of {@link #classify}.
     *
     * @param explained per class id, the differences it explained (classes that explained none are absent)
     * @param unexplained the differences no class explained
     */
    public record Classification(Map<String, List<Difference>> explained, List<Difference> unexplained) {

        /** @return one line per class with its count, then every unexplained difference */
        public String summary() {
            StringBuilder text = new StringBuilder();
            explained.forEach((id, list) -> text.append("expected ").append(id).append(": ").append(list.size())
                    .append('\n'));
            unexplained.forEach(d -> text.append("UNEXPLAINED ").append(d).append('\n'));
            return text.toString();
        }
    }

    /** {@code sinceMajor} of a class that applies to every major upgrade. */
    private static final int ANY_MAJOR_UPGRADE = -1;

    private static final String OWNER_FULL_TABLE_PRIVILEGES = "a\\*?r\\*?w\\*?d\\*?D\\*?x\\*?t(\\*?)";

    /**
     * PostgreSQL 17 added the table privilege MAINTAIN ({@code m}). The owner's default privileges
     * and every {@code GRANT ALL} therefore include it after the restore.
     */
    public static final ExpectedDifference MAINTAIN_PRIVILEGE = new Simple("maintain-privilege",
            "PostgreSQL 17 added the MAINTAIN table privilege (m): an owner's implicit privileges and a GRANT ALL include it",
            17) {
        private final Pattern fullSet = Pattern.compile("=(" + OWNER_FULL_TABLE_PRIVILEGES + ")/");

        @Override
        boolean matches(Difference d) {
            if (d.before() == null || d.after() == null) {
                return false;
            }
            Matcher m = fullSet.matcher(d.before());
            StringBuilder withMaintain = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(withMaintain, Matcher.quoteReplacement("=" + m.group(1) + "m" + m.group(2) + "/"));
            }
            m.appendTail(withMaintain);
            return !withMaintain.toString().equals(d.before()) && withMaintain.toString().equals(d.after());
        }
    };

    /**
     * From PostgreSQL 16 on, {@code pg_get_viewdef} leaves out the table qualifier of a column when
     * the query has one relation at that level. Explained only when deleting column qualifiers
     * {@code name.} from the old text gives exactly the new one; a qualifier that names a schema of
     * the database, a type's (after {@code ::}), an operator's or a function's schema is never
     * deleted.
     */
    public static final ExpectedDifference VIEW_DEPARSE_QUALIFIERS = new ExpectedDifference() {
        @Override
        public String id() {
            return "view-deparse-qualifiers";
        }

        @Override
        public String reason() {
            return "PostgreSQL 16 deparses view columns without the table qualifier when it is not needed";
        }

        @Override
        public boolean explains(Difference d, CatalogSnapshot before, CatalogSnapshot after) {
            if (!crosses(before, after, 16) || !d.item().endsWith(" / definition") || d.before() == null
                    || d.after() == null) {
                return false;
            }
            String database = d.item().substring(0, d.item().indexOf(" / relation ") + 3);
            Set<String> schemas = new HashSet<>();
            for (String key : before.items().keySet()) {
                if (key.startsWith(database + "schema ")) {
                    schemas.add(key.substring(database.length() + "schema ".length()));
                }
            }
            return differsOnlyByQualifiers(d.before(), d.after(), schemas);
        }

        @Override
        public String toString() {
            return id();
        }
    };

    /**
     * Since PostgreSQL 14 every range type has a multirange type. A range type restored into 14+
     * gets one.
     */
    public static final ExpectedDifference MULTIRANGE_TYPE = new Simple("multirange-type",
            "PostgreSQL 14 creates a multirange type with every range type", 14) {
        @Override
        boolean matches(Difference d) {
            return d.before() == null && d.after() != null && d.item().contains(" / type ")
                    && d.after().startsWith("typtype=m ") && d.after().contains(" multirange of ");
        }
    };

    /**
     * PostgreSQL 17 records a domain's NOT NULL as a constraint in {@code pg_constraint} (the
     * domain's own {@code notnull=true} is unchanged and compared as well).
     */
    public static final ExpectedDifference DOMAIN_NOT_NULL_CONSTRAINT = new ExpectedDifference() {
        @Override
        public String id() {
            return "domain-not-null-constraint";
        }

        @Override
        public String reason() {
            return "PostgreSQL 17 stores a domain's NOT NULL as a catalog constraint";
        }

        @Override
        public boolean explains(Difference d, CatalogSnapshot before, CatalogSnapshot after) {
            int index = d.item().lastIndexOf(" / constraint ");
            if (!crosses(before, after, 17) || d.before() != null || index < 0 || !d.item().contains(" / type ")
                    || !d.after().equals("type=n def=NOT NULL validated=true")) {
                return false;
            }
            String domain = before.items().get(d.item().substring(0, index));
            return domain != null && domain.startsWith("typtype=d ") && domain.contains(" notnull=true");
        }
    };

    /**
     * PostgreSQL 18 records every NOT NULL column as a constraint in {@code pg_constraint}, named
     * {@code <table>_<column>_not_null}. Explained only when the column existed with {@code
     * notnull=true} before.
     */
    public static final ExpectedDifference TABLE_NOT_NULL_CONSTRAINT = new ExpectedDifference() {
        private final Pattern definition = Pattern.compile("type=n def=NOT NULL (\\S+) validated=true local=(true|false)"
                + " inhcount=\\d+ noinherit=false");

        @Override
        public String id() {
            return "table-not-null-constraint";
        }

        @Override
        public String reason() {
            return "PostgreSQL 18 stores a column's NOT NULL as a catalog constraint";
        }

        @Override
        public boolean explains(Difference d, CatalogSnapshot before, CatalogSnapshot after) {
            int index = d.item().lastIndexOf(" / constraint ");
            if (!crosses(before, after, 18) || d.before() != null || index < 0 || !d.item().contains(" / relation ")) {
                return false;
            }
            Matcher m = definition.matcher(d.after());
            if (!m.matches()) {
                return false;
            }
            String column = before.items().get(d.item().substring(0, index) + " / column " + m.group(1));
            return column != null && column.contains(" notnull=true ");
        }
    };

    /**
     * A new major ships newer extension versions; the restore runs {@code CREATE EXTENSION} without
     * a version (and migration 04 updates the rest), so the extension is at the new server's
     * default version. Explained only when nothing but the version changed.
     */
    public static final ExpectedDifference EXTENSION_VERSION = new Simple("extension-version",
            "the restore creates each extension at the new server's default version", ANY_MAJOR_UPGRADE) {
        private final Pattern version = Pattern.compile("^version=\\S+ ");

        @Override
        boolean matches(Difference d) {
            return d.item().matches(".* / extension \".+\" / version") && d.before() != null && d.after() != null
                    && version.matcher(d.before()).replaceFirst("").equals(version.matcher(d.after()).replaceFirst(""));
        }
    };

    /**
     * A collation created {@code FROM} one that works with any encoding ({@code "C"}, {@code
     * "POSIX"}) keeps encoding -1; pg_dump writes it as {@code CREATE COLLATION ... (locale = 'C')},
     * which creates it for the database's encoding. Each database has one encoding, so nothing
     * changes for its users.
     */
    public static final ExpectedDifference COLLATION_ENCODING = new Simple("collation-encoding",
            "pg_dump recreates a collation valid for any encoding (-1) for the database's encoding", 0) {
        @Override
        boolean matches(Difference d) {
            return d.item().matches(".* / collation [^/]+") && d.before() != null && d.after() != null
                    && d.before().endsWith(" encoding=-1")
                    && d.after().replaceFirst(" encoding=\\d+$", " encoding=-1").equals(d.before());
        }
    };

    /**
     * A partition created with {@code PARTITION OF} gets its parent's primary key or unique
     * constraint with {@code connoinherit = false}; pg_dump creates the partition's constraint on
     * the partition and attaches it, and such a locally created constraint has {@code connoinherit
     * = true} (as on every plain table). The flag has no meaning for index constraints. Any restore
     * shows it, whatever the majors.
     */
    public static final ExpectedDifference PARTITION_INDEX_CONSTRAINT_NOINHERIT = new Simple(
            "partition-index-constraint-noinherit",
            "pg_dump attaches a partition's own PRIMARY KEY/UNIQUE constraint, created locally with noinherit=true",
            0) {
        @Override
        boolean matches(Difference d) {
            return d.item().contains(" / constraint (derived) ") && d.before() != null && d.after() != null
                    && d.before().matches("type=[pu] .* noinherit=false")
                    && d.after().equals(d.before().replaceFirst(" noinherit=false$", " noinherit=true"));
        }
    };

    /** Every class above, in the order of {@code docs/EXPECTED-DIFFERENCES.md}. */
    public static final List<ExpectedDifference> ALL = List.of(EXTENSION_VERSION, MAINTAIN_PRIVILEGE,
            VIEW_DEPARSE_QUALIFIERS, MULTIRANGE_TYPE, DOMAIN_NOT_NULL_CONSTRAINT, TABLE_NOT_NULL_CONSTRAINT,
            COLLATION_ENCODING, PARTITION_INDEX_CONSTRAINT_NOINHERIT);

    private ExpectedDifferences() {}

    /**
     * @param before the snapshot before the upgrade
     * @param after the snapshot after it
     * @param classes the classes to apply, e.g. {@link #ALL}
     * @return every difference of {@code before.diff(after)}, each in the first class that explains
     *     it, or unexplained
     */
    public static Classification classify(CatalogSnapshot before, CatalogSnapshot after,
            List<ExpectedDifference> classes) {
        Objects.requireNonNull(classes, "classes");
        Map<String, List<Difference>> explained = new LinkedHashMap<>();
        List<Difference> unexplained = new ArrayList<>();
        for (Difference d : before.diff(after)) {
            ExpectedDifference match = classes.stream().filter(c -> c.explains(d, before, after)).findFirst().orElse(null);
            if (match == null) {
                unexplained.add(d);
            } else {
                explained.computeIfAbsent(match.id(), id -> new ArrayList<>()).add(d);
            }
        }
        explained.replaceAll((id, list) -> List.copyOf(list));
        return new Classification(Collections.unmodifiableMap(explained), List.copyOf(unexplained));
    }

    static boolean crosses(CatalogSnapshot before, CatalogSnapshot after, int major) {
        return before.majorVersion() < major && after.majorVersion() >= major;
    }

    /**
     * @return whether {@code after} is {@code before} with some column qualifiers {@code name.}
     *     (unquoted or quoted identifiers at a word start) deleted, and nothing else changed; the
     *     name of a schema, and the schema of a type, operator or function, is never taken for one
     */
    static boolean differsOnlyByQualifiers(String before, String after, Set<String> schemas) {
        int i = 0;
        int j = 0;
        boolean deleted = false;
        while (i < before.length()) {
            int qualifier = qualifierLength(before, i);
            if (qualifier > 0 && !after.startsWith(before.substring(i, i + qualifier), j)
                    && isColumnQualifier(before, i, qualifier, schemas)) {
                i += qualifier;
                deleted = true;
            } else if (j < after.length() && before.charAt(i) == after.charAt(j)) {
                i++;
                j++;
            } else {
                return false;
            }
        }
        return deleted && j == after.length();
    }

    // A column's table qualifier: not a schema of the database, nor the schema of a type (after
    // ::), of an operator (OPERATOR(...)) or of a function (followed by a parenthesis).
    private static boolean isColumnQualifier(String text, int start, int length, Set<String> schemas) {
        if (schemas.contains(text.substring(start, start + length - 1))) {
            return false;
        }
        String head = text.substring(0, start).stripTrailing();
        if (head.endsWith("::") || head.endsWith("OPERATOR(")) {
            return false;
        }
        int k = start + length;
        if (k < text.length() && text.charAt(k) == '"') {
            int close = text.indexOf('"', k + 1);
            k = close < 0 ? text.length() : close + 1;
        } else {
            while (k < text.length() && (Character.isLetterOrDigit(text.charAt(k)) || text.charAt(k) == '_')) {
                k++;
            }
        }
        return k >= text.length() || text.charAt(k) != '(';
    }

    // Length of "name." or "\"quoted name\"." starting at i (at a word start), else 0.
    private static int qualifierLength(String text, int i) {
        if (i > 0) {
            char previous = text.charAt(i - 1);
            if (Character.isLetterOrDigit(previous) || previous == '_' || previous == '.' || previous == '"'
                    || previous == '\'') {
                return 0;
            }
        }
        int k = i;
        if (k < text.length() && text.charAt(k) == '"') {
            k = text.indexOf('"', k + 1);
            if (k < 0) {
                return 0;
            }
            k++;
        } else {
            while (k < text.length() && (Character.isLetterOrDigit(text.charAt(k)) || text.charAt(k) == '_')) {
                k++;
            }
            if (k == i || Character.isDigit(text.charAt(i))) {
                return 0;
            }
        }
        return k < text.length() && text.charAt(k) == '.' && k + 1 < text.length()
                && (Character.isLetter(text.charAt(k + 1)) || text.charAt(k + 1) == '_' || text.charAt(k + 1) == '"')
                ? k + 1 - i : 0;
    }

    private abstract static class Simple implements ExpectedDifference {
        private final String id;
        private final String reason;
        private final int sinceMajor;

        Simple(String id, String reason, int sinceMajor) {
            this.id = id;
            this.reason = reason;
            this.sinceMajor = sinceMajor;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public boolean explains(Difference difference, CatalogSnapshot before, CatalogSnapshot after) {
            boolean applies = sinceMajor == 0
                    || (sinceMajor == ANY_MAJOR_UPGRADE ? before.majorVersion() < after.majorVersion()
                            : crosses(before, after, sinceMajor));
            return applies && matches(difference);
        }

        abstract boolean matches(Difference difference);

        @Override
        public String toString() {
            return id;
        }
    }
}
