package com.cloudogu.upgrade.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one-line error of a failed restore names the first error, not the last line of its context. */
class FirstErrorTest {

    /** psql 15 restoring a PostgreSQL 14 dump into 17 with ON_ERROR_STOP (recorded). */
    private static final String PSQL = """
            psql:<stdin>:97: ERROR:  relation "lookup" does not exist
            LINE 1: SELECT name FROM lookup WHERE id = $1
                                     ^
            QUERY:  SELECT name FROM lookup WHERE id = $1
            CONTEXT:  SQL function "lk" during inlining
            """;

    /** pg_restore 15 --exit-on-error --jobs=2 of the same database (recorded). */
    private static final String PG_RESTORE = """
            pg_restore: error: could not execute query: ERROR:  relation "lookup" does not exist
            LINE 1: SELECT name FROM lookup WHERE id = $1
                                     ^
            QUERY:  SELECT name FROM lookup WHERE id = $1
            CONTEXT:  SQL function "lk" during inlining
            Command was: REFRESH MATERIALIZED VIEW public.mv;


            pg_restore: error: a worker process died unexpectedly
            """;

    /** Older pg_restore output names the TOC entry first; the statement holds a secret. */
    private static final String PG_RESTORE_TOC = """
            pg_restore: while PROCESSING TOC:
            pg_restore: from TOC entry 3412; 6100 16420 SUBSCRIPTION sub postgres
            pg_restore: error: could not execute query: ERROR:  could not connect to the publisher: connection refused
            DETAIL:  host=10.0.0.5 password=s3cret-in-detail
            Command was: CREATE SUBSCRIPTION sub CONNECTION 'host=10.0.0.5 password=s3cret' PUBLICATION pub;
            """;

    private static final String PSQL_WITH_HINT = """
            psql:<stdin>:152: ERROR:  child column "b" specifies generation expression
            HINT:  A child table column cannot be generated unless its parent column is.
            """;

    private static final String PSQL_PASSWORD = """
            psql:<stdin>:16: ERROR:  role "app" already exists
            LINE 1: CREATE ROLE app LOGIN PASSWORD 'md5c0ffee'
            """;

    @Test
    void psqlGivesTheErrorWithItsContextInsteadOfTheContextAlone() {
        ProcessResult r = new ProcessResult(3, "", PSQL, Duration.ZERO);
        assertThat(r.lastErrorLine()).isEqualTo("CONTEXT:  SQL function \"lk\" during inlining");
        assertThat(r.firstErrorLine()).isEqualTo("psql:<stdin>:97: ERROR: relation \"lookup\" does not exist;"
                + " CONTEXT: SQL function \"lk\" during inlining");
    }

    @Test
    void pgRestoreGivesTheErrorAndTheStatementsLeadingWordsNotTheWorkerThatDied() {
        assertThat(FirstError.summarize(PG_RESTORE)).isEqualTo("pg_restore: error: could not execute query: ERROR:"
                + " relation \"lookup\" does not exist; CONTEXT: SQL function \"lk\" during inlining;"
                + " statement: REFRESH MATERIALIZED VIEW public.mv");
    }

    @Test
    void pgRestoreNamesTheTocEntryAndNeverTheStatementsLiteralsOrTheDetail() {
        String line = FirstError.summarize(PG_RESTORE_TOC);
        assertThat(line).isEqualTo("pg_restore: error: could not execute query: ERROR: could not connect to the"
                + " publisher: connection refused; statement: CREATE SUBSCRIPTION sub CONNECTION;"
                + " from TOC entry 3412; 6100 16420 SUBSCRIPTION sub postgres");
        assertThat(line).doesNotContain("s3cret");
    }

    @Test
    void aHintIsKeptAndTheFailingStatementTextIsNot() {
        assertThat(FirstError.summarize(PSQL_WITH_HINT)).isEqualTo("psql:<stdin>:152: ERROR: child column \"b\""
                + " specifies generation expression; HINT: A child table column cannot be generated unless its parent"
                + " column is.");
        assertThat(FirstError.summarize(PSQL_PASSWORD)).isEqualTo("psql:<stdin>:16: ERROR: role \"app\" already exists");
    }

    @Test
    void aClientSideErrorCounts() {
        String connect = "psql:<stdin>:166: error: \\connect: connection to server on socket \"/run/.s.PGSQL.5432\""
                + " failed: FATAL:  database \"zürich\" does not exist\n";
        assertThat(FirstError.summarize(connect)).startsWith("psql:<stdin>:166: error: \\connect:")
                .endsWith("database \"zürich\" does not exist");
    }

    @Test
    void withoutAnErrorLineTheLastLineIsKept() {
        assertThat(FirstError.summarize("NOTICE:  something\nout of memory\n")).isEqualTo("out of memory");
        assertThat(FirstError.summarize("")).isEmpty();
    }

    @Test
    void theCollectorKeepsTheFirstErrorEvenWhenLongContextPushesItOutOfTheTail() {
        FirstError.Collector c = new FirstError.Collector();
        c.accept("psql:<stdin>:12: WARNING:  something harmless");
        PSQL.lines().forEach(c::accept);
        for (int i = 0; i < 40; i++) {
            c.accept("    more context line " + i);
        }
        ProcessResult r = new ProcessResult(3, "", "    more context line 39", Duration.ZERO, c.text());
        assertThat(r.firstErrorLine()).startsWith("psql:<stdin>:97: ERROR: relation \"lookup\" does not exist");
    }
}
