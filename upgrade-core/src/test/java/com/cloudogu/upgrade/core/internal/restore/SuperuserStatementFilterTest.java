package com.cloudogu.upgrade.core.internal.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuperuserStatementFilterTest {

    private static final String DUMP = """
            --
            -- PostgreSQL database cluster dump
            --
            CREATE ROLE postgres;
            ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:abc';
            CREATE ROLE postgres_admin;
            ALTER ROLE postgres_admin WITH NOSUPERUSER LOGIN PASSWORD 'md5123';
            ALTER ROLE postgres SET search_path TO 'x';
            DROP ROLE IF EXISTS postgres;
            DROP ROLE postgres;\r
            CREATE ROLE "postgres";
            COPY public.t (id, note) FROM stdin;
            1\tCREATE ROLE postgres;
            \\.
            CREATE TABLE x (a int);
            """;

    @Test
    void dropsExactlyTheSuperusersOwnRoleStatements() throws IOException {
        String out = filter(DUMP, "postgres", 1 << 16);

        assertThat(out).doesNotContain("CREATE ROLE postgres;\nALTER", "PASSWORD 'SCRAM", "DROP ROLE postgres;",
                        "DROP ROLE IF EXISTS postgres;", "CREATE ROLE \"postgres\";")
                .contains("CREATE ROLE postgres_admin;", "ALTER ROLE postgres_admin WITH NOSUPERUSER",
                        "ALTER ROLE postgres SET search_path", "CREATE TABLE x (a int);")
                .contains("1\tCREATE ROLE postgres;\n")
                .contains("-- dogu-upgrade: kept the new cluster's bootstrap superuser, skipped: CREATE ROLE ...");
    }

    @Test
    void givesTheSameOutputAsLineByLineFilteringWhateverTheReadSize() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            StringBuilder dump = new StringBuilder();
            for (int line = 0; line < 400; line++) {
                switch (random.nextInt(8)) {
                    case 0 -> dump.append("CREATE ROLE postgres;\n");
                    case 1 -> dump.append("ALTER ROLE postgres WITH LOGIN PASSWORD 'x';\n");
                    case 2 -> dump.append("CREATE ROLE other;\n");
                    case 3 -> dump.append("A").append("x".repeat(random.nextInt(20_000))).append('\n');
                    case 4 -> dump.append("DROP ROLE postgres;");
                    default -> dump.append("row ").append(random.nextInt()).append('\t').append("ü".repeat(random.nextInt(50)))
                            .append('\n');
                }
            }
            String expected = reference(dump.toString(), "postgres");
            assertThat(filter(dump.toString(), "postgres", 1 + random.nextInt(70_000))).isEqualTo(expected);
        }
    }

    @Test
    void countsConsumedBytesAndDroppedStatements() throws IOException {
        byte[] bytes = DUMP.getBytes(StandardCharsets.UTF_8);
        SuperuserStatementFilter f = new SuperuserStatementFilter(new ByteArrayInputStream(bytes), "postgres");
        f.readAllBytes();

        assertThat(f.bytesRead()).isEqualTo(bytes.length);
        assertThat(f.statementsDropped()).isEqualTo(5);
    }

    private static String filter(String dump, String superuser, int readSize) throws IOException {
        try (InputStream in = new SuperuserStatementFilter(
                new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)), superuser)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[readSize];
            int n;
            while ((n = in.read(b, 0, b.length)) > 0) {
                out.write(b, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The filter's contract, line by line: a line matching the statement pattern becomes a comment. */
    private static String reference(String dump, String superuser) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("^(?:CREATE ROLE (?:\"" + superuser + "\"|" + superuser
                + ");|DROP ROLE (?:IF EXISTS )?(?:\"" + superuser + "\"|" + superuser + ");|ALTER ROLE (?:\"" + superuser
                + "\"|" + superuser + ") WITH .*;)\\r?\\n?$");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < dump.length()) {
            int nl = dump.indexOf('\n', i);
            String line = nl < 0 ? dump.substring(i) : dump.substring(i, nl + 1);
            i += line.length();
            if (p.matcher(line).matches()) {
                out.append("-- dogu-upgrade: kept the new cluster's bootstrap superuser, skipped: ")
                        .append(line, 0, line.indexOf(" ROLE ") + 5).append(" ...\n");
            } else {
                out.append(line);
            }
        }
        return out.toString();
    }
}
