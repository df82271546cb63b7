package com.cloudogu.upgrade.core.internal.check;

import com.cloudogu.upgrade.core.CheckReport;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.PostgresVersions;
import com.cloudogu.upgrade.testkit.SampleData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each built-in check, on a real old server: the object it looks for really breaks a restore into
 * the new major (dumped with pg_dump 15 and restored with psql stopping on the first error, as the
 * upgrade does), and the check names it. Without the check the upgrade would fail only after the
 * image switch, in the restore.
 */
class BuiltinChecksTest {

    @TempDir
    Path dir;

    @Test
    void generatedChildColumnUnderAPlainParentColumnIsFoundAndBreaksTheRestoreInto16() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V16).start()) {
            old.execute("postgres", "CREATE TABLE p (a int, b int);"
                    + " CREATE TABLE c (a int, b int GENERATED ALWAYS AS (a * 2) STORED) INHERITS (p);"
                    + " CREATE SCHEMA sales; CREATE TABLE sales.orders (a int, total int) PARTITION BY RANGE (a);"
                    + " CREATE TABLE sales.orders_1 (a int, total int GENERATED ALWAYS AS (a * 3) STORED);"
                    + " ALTER TABLE sales.orders ATTACH PARTITION sales.orders_1 FOR VALUES FROM (0) TO (10);"
                    + " INSERT INTO c (a) VALUES (1)");

            CheckReport report = OldCluster.check(old, "14.19-1", "17.6-0");

            assertThat(OldCluster.findings(report, "inherited-generated-columns")).containsExactly(
                    "database postgres: table public.c column b is generated, but in its parent public.p it is not generated",
                    "database postgres: table sales.orders_1 column total is generated, but in its parent sales.orders it"
                            + " is not generated");
            assertThat(report.passed()).isFalse();
            assertThat(report.message()).contains("[inherited-generated-columns]", "table public.c column b",
                    "DROP EXPRESSION", "nothing was written");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir))
                    .contains("child column \"b\" specifies generation expression");
            assertThat(OldCluster.check(old, "14.19-1", "15.14-1").notApplicable()).contains("inherited-generated-columns");
        }
    }

    @Test
    void nonAsciiDatabaseNameInAClusterWithALatin1DatabaseIsFoundAndBreaksTheRestore() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V17).start()) {
            old.execute("postgres", "CREATE DATABASE \"z\u00fcrich\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
                    + " TEMPLATE template0");
            old.execute("postgres", "CREATE ROLE \"r\u00f6lle\"");

            CheckReport report = OldCluster.check(old, "14.19-1", "17.6-0");

            assertThat(OldCluster.findings(report, "non-ascii-names-in-mixed-encoding-cluster")).containsExactly(
                    "database \"z\u00fcrich\" (encoding LATIN1; the cluster has LATIN1, UTF8)",
                    "role \"r\u00f6lle\" (the cluster has databases in LATIN1, UTF8)");
            assertThat(OldCluster.clusterRestoreFails(old, target, dir))
                    .contains("database \"z\u00fcrich\" does not exist");
        }
    }

    @Test
    void nonAsciiNamesInAClusterOfOneEncodingPass() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).encoding("LATIN1").locale("C").start()) {
            old.execute("postgres", "CREATE DATABASE \"b\u00e4r\"");
            assertThat(OldCluster.findings(OldCluster.check(old, "14.19-1", "17.6-0"),
                    "non-ascii-names-in-mixed-encoding-cluster")).isEmpty();
        }
    }

    @Test
    void nullsInAChildColumnThatIsNotNullInTheParentAreFoundAndBreakTheRestore() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V17).start()) {
            old.execute("postgres", "CREATE TABLE p (a int, b int); CREATE TABLE c (x int) INHERITS (p);"
                    + " ALTER TABLE ONLY p ALTER COLUMN a SET NOT NULL; INSERT INTO c VALUES (NULL, 1, 2), (3, NULL, 4);"
                    + " CREATE TABLE p2 (a int); CREATE TABLE c2 () INHERITS (p2);"
                    + " ALTER TABLE ONLY p2 ALTER COLUMN a SET NOT NULL; INSERT INTO c2 VALUES (1)");

            assertThat(OldCluster.findings(OldCluster.check(old, "14.19-1", "17.6-0"), "nulls-under-not-null-parents"))
                    .as("c2 is nullable too but holds no NULL: its restore succeeds")
                    .containsExactly("database postgres: table public.c column a holds NULLs, but in its parent public.p"
                            + " the column is NOT NULL");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir))
                    .contains("null value in column \"a\" of relation \"c\" violates not-null constraint");
        }
    }

    @Test
    void postfixOperatorIsFoundAndBreaksTheRestoreInto14() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V13).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V14).start()) {
            old.execute("postgres", "CREATE FUNCTION fact(bigint) RETURNS numeric LANGUAGE sql AS 'SELECT 1::numeric';"
                    + " CREATE OPERATOR !!! (LEFTARG = bigint, PROCEDURE = fact)");

            assertThat(OldCluster.findings(OldCluster.check(old, "13.23-1", "14.19-1"), "postfix-operators"))
                    .containsExactly("database postgres: postfix operator public.!!! (bigint)");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir)).contains("Postfix operators are not supported");
        }
    }

    @Test
    void aggregateOnTheOldArrayAppendSignatureIsFoundAndBreaksTheRestoreInto14() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V13).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V14).start()) {
            old.execute("postgres", "CREATE AGGREGATE array_accum (anyelement)"
                    + " (SFUNC = array_append, STYPE = anyarray, INITCOND = '{}')");

            assertThat(OldCluster.findings(OldCluster.check(old, "13.23-1", "17.6-0"), "incompatible-polymorphics"))
                    .containsExactly("database postgres: aggregate array_accum(anyelement)");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir))
                    .contains("function array_append(anyarray, anyelement) does not exist");
        }
    }

    @Test
    void userDefinedEncodingConversionIsFoundAndBreaksTheRestoreInto14() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V13).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V14).start()) {
            old.execute("postgres", "CREATE FUNCTION latin1_to_utf8(integer, integer, cstring, internal, integer)"
                    + " RETURNS void AS '$libdir/utf8_and_iso8859_1', 'iso8859_1_to_utf8' LANGUAGE C STRICT;"
                    + " CREATE CONVERSION my_latin1_to_utf8 FOR 'LATIN1' TO 'UTF8' FROM latin1_to_utf8");

            assertThat(OldCluster.findings(OldCluster.check(old, "13.23-1", "14.19-1"), "user-defined-encoding-conversions"))
                    .containsExactly("database postgres: conversion public.my_latin1_to_utf8 (LATIN1 to UTF8, function"
                            + " latin1_to_utf8(integer,integer,cstring,internal,integer))");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir)).contains("function public.latin1_to_utf8(integer, integer, cstring, internal, integer, boolean) does not exist");
        }
    }

    @Test
    void columnsOfTheRemovedTimeTypesAreFoundAndBreakTheRestoreInto12() throws Exception {
        try (PostgresServer old = PostgresServer.builder("11.22.0").start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V12).start()) {
            old.execute("postgres", "CREATE DOMAIN stamp AS abstime;"
                    + " CREATE TABLE legacy (id int, created abstime, ages reltime[], period tinterval, touched stamp)");

            assertThat(OldCluster.findings(OldCluster.check(old, "11.22-1", "14.19-1"), "removed-data-types"))
                    .containsExactly("database postgres: table public.legacy column ages has type reltime[]",
                            "database postgres: table public.legacy column created has type abstime",
                            "database postgres: table public.legacy column period has type tinterval",
                            "database postgres: table public.legacy column touched has type stamp");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir)).contains("type \"abstime\" does not exist");
        }
    }

    @Test
    void viewOnAColumnThatPostgres17MovedOutOfPgStatBgwriterIsFoundAndBreaksTheRestore() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V17).start()) {
            old.execute("postgres", "CREATE SCHEMA monitoring; CREATE VIEW monitoring.checkpoints AS"
                    + " SELECT checkpoints_timed, checkpoints_req, buffers_alloc FROM pg_stat_bgwriter");

            CheckReport report = OldCluster.check(old, "14.19-1", "17.6-0");
            assertThat(OldCluster.findings(report, "views-on-removed-catalog-columns")).containsExactly(
                    "database postgres: view monitoring.checkpoints reads pg_stat_bgwriter.checkpoints_req (use"
                            + " pg_stat_checkpointer.num_requested)",
                    "database postgres: view monitoring.checkpoints reads pg_stat_bgwriter.checkpoints_timed (use"
                            + " pg_stat_checkpointer.num_timed)");
            assertThat(OldCluster.check(old, "14.19-1", "16.10-1").notApplicable())
                    .as("16 still has the columns").doesNotContain("views-on-removed-catalog-columns");
            assertThat(OldCluster.findings(OldCluster.check(old, "14.19-1", "16.10-1"), "views-on-removed-catalog-columns"))
                    .isEmpty();
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir))
                    .contains("column pg_stat_bgwriter.checkpoints_timed does not exist");
        }
    }

    @Test
    void roleAndDatabaseSettingsOfAParameterThat16RemovedAreFoundAndBreakTheRestore() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V16).start()) {
            old.execute("postgres", "CREATE DATABASE shop");
            old.execute("postgres", "CREATE ROLE app; ALTER ROLE app SET force_parallel_mode = on;"
                    + " ALTER DATABASE shop SET force_parallel_mode = off;"
                    + " ALTER ROLE app IN DATABASE shop SET Force_Parallel_Mode = regress;"
                    + " ALTER ROLE app SET work_mem = '8MB'");

            assertThat(OldCluster.findings(OldCluster.check(old, "14.19-1", "16.10-1"),
                    "removed-parameters-in-role-and-database-settings")).containsExactly(
                    "database shop sets force_parallel_mode=off (use debug_parallel_query)",
                    "role app in database shop sets force_parallel_mode=regress (use debug_parallel_query)",
                    "role app sets force_parallel_mode=on (use debug_parallel_query)");
            assertThat(OldCluster.check(old, "14.19-1", "15.14-1").notApplicable())
                    .contains("removed-parameters-in-role-and-database-settings");
            assertThat(OldCluster.clusterRestoreFails(old, target, dir))
                    .contains("unrecognized configuration parameter \"force_parallel_mode\"");
        }
    }

    @Test
    void functionSetClauseOfAParameterThat14RemovedIsFoundAndBreaksTheRestore() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V13).start();
             PostgresServer target = PostgresServer.builder(PostgresVersions.V14).start()) {
            old.execute("postgres", "CREATE FUNCTION legacy() RETURNS int LANGUAGE sql"
                    + " SET operator_precedence_warning = on AS 'SELECT 1'");

            assertThat(OldCluster.findings(OldCluster.check(old, "13.23-1", "14.19-1"),
                    "removed-parameters-in-function-settings")).containsExactly(
                    "database postgres: function legacy() sets operator_precedence_warning=on (use nothing (remove the"
                            + " setting))");
            assertThat(OldCluster.restoreFails(old, "postgres", target, dir))
                    .contains("unrecognized configuration parameter \"operator_precedence_warning\"");
        }
    }

    @Test
    void theSampleDataTheUpgradeTestsUsePassesEveryCheck() throws Exception {
        try (PostgresServer old = PostgresServer.builder(PostgresVersions.V14).start()) {
            SampleData.load(old);
            CheckReport report = OldCluster.check(old, "14.19-1", "18.0-1");
            assertThat(report.passed()).as(report.summary().toString()).isTrue();
            assertThat(report.summary()).allMatch(l -> l.startsWith("ok"));
        }
    }
}
