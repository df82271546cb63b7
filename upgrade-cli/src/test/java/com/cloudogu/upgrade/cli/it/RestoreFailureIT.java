package com.cloudogu.upgrade.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresBinaries;
import com.cloudogu.upgrade.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A restore that fails with an error, through the CLI jar on the dogu's real volume layouts. The
 * realistic cause, which no check in the old container can see: the old image had an extension the
 * new image lacks (here a pure-SQL extension added to a copy of the old image's server). The failure
 * is recorded; every later start ends at once with it instead of redoing initdb and the restore;
 * after the extension is added to the new image, {@code retry-restore} lets the next start restore;
 * or {@code abort} takes the upgrade back and the old image starts on its untouched cluster.
 */
class RestoreFailureIT {

    private static final String OLD = "14.19.0";
    private static final String FROM = "14.19-1";
    private static final String NEW = "17.6.0";
    private static final String TO = "17.6-0";
    private static final String PASSWORD = "restore-failure-secret";
    private static final String EXTENSION = "dogu_demo";
    private static final String NOT_AVAILABLE = "ERROR: extension \"" + EXTENSION + "\" is not available";

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0} layout, {1} backup")
    @CsvSource("LEGACY, plain") // the most common upgrade; abort below covers both layouts and strategies
    void aFailedRestoreIsRecordedEndsEveryLaterStartAtOnceAndIsRetriedOnceTheCauseIsFixed(EmbeddedDogu.Layout layout,
            String strategy) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            Images images = images();
            ClusterFingerprint before = failedRestore(dogu, images, strategy);

            // The operator installs the missing extension into the new image, then retries.
            addExtension(images.newImage());
            CliProcess.Result retry = dogu.cli(images.newImage()).run("retry-restore").ok();
            assertThat(retry.stderr()).contains("cleared the recorded failure", "the backup is kept");
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).as("the restore is still pending").isPresent();
            assertThat(dogu.pgdata(NEW).resolve("dogu-upgrade-restore-target")).as("the partial restore is gone")
                    .doesNotExist();

            CliProcess.Result startup = dogu.cli(images.newImage()).run("startup").ok();
            assertThat(startup.stderr()).contains("[initdb]", "restore complete");
            assertThat(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
            try (PostgresServer upgraded = dogu.start(PostgresServer.builder(images.newImage())
                    .superuserPassword(PASSWORD), NEW)) {
                assertThat(before.diff(ClusterFingerprint.of(upgraded))).as("restored after the retry").isEmpty();
                assertThat(answer(upgraded)).isEqualTo(42);
            }
        }
    }

    @ParameterizedTest(name = "{0} layout, {1} backup")
    @CsvSource({"PER_MAJOR, plain", "PER_MAJOR, parallel", "LEGACY, plain", "LEGACY, parallel"})
    void abortAfterAFailedRestoreLetsTheOldImageStartOnItsUntouchedClusterAndTheNewImageRefuses(
            EmbeddedDogu.Layout layout, String strategy) throws Exception {
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, layout)) {
            Images images = images();
            ClusterFingerprint before = failedRestore(dogu, images, strategy);
            Path backup = Path.of(dogu.state().get(StateKeys.MIGRATION_BACKUP_PATH).orElseThrow());

            CliProcess.Result abort = dogu.cli(images.newImage()).run("abort").ok();
            assertThat(abort.stderr()).contains("upgrade taken back", "backup kept at " + backup);
            assertThat(dogu.state().get(StateKeys.LOCAL_STATE)).isEmpty();
            assertThat(backup).as("the backup is kept").exists();

            CliProcess.Result newImage = dogu.cli(images.newImage()).run("startup");
            assertThat(newImage.exitCode()).as(newImage.stderr()).isEqualTo(3);
            assertThat(newImage.stderr()).contains("refusing a fresh install", "Start the old image",
                    dogu.pgdata(OLD).toString()).doesNotContain("[initdb]");
            assertThat(backup).as("the refusing startup kept the backup").exists();

            try (PostgresServer back = dogu.start(PostgresServer.builder(images.oldImage()), OLD)) {
                assertThat(before.diff(ClusterFingerprint.of(back))).as("the old image's cluster after abort").isEmpty();
                assertThat(answer(back)).isEqualTo(42);
            }
        }
    }

    /**
     * Loads the old cluster (sample data and the extension), runs pre-upgrade, post-upgrade and a
     * startup whose restore fails, and checks what the failure leaves: the one-line error with the
     * server's ERROR, the recorded state, and a second start that ends at once without initdb.
     *
     * @return the old cluster's fingerprint
     */
    private ClusterFingerprint failedRestore(EmbeddedDogu dogu, Images images, String strategy) throws Exception {
        // The restored cluster's superuser gets the new image's password; the fingerprint compares whether one is set.
        // Sample data and 'the-old-password' are copied from a prepared cluster; the extension's table is this test's own.
        dogu.startWithSampleData(images.oldImage(), PASSWORD);
        PostgresServer old = dogu.server();
        old.execute("postgres", "CREATE EXTENSION " + EXTENSION + "; CREATE TABLE answers (a int DEFAULT "
                + EXTENSION + "_answer()); INSERT INTO answers DEFAULT VALUES");
        ClusterFingerprint before = ClusterFingerprint.of(old);
        Map<String, String> env = Map.of("DOGU_UPGRADE_BACKUP_STRATEGY", strategy);
        dogu.cli(images.oldImage()).start(env, "pre-upgrade", FROM, TO).await(600).ok();
        dogu.stopServer();
        dogu.cli(images.newImage()).run("post-upgrade", FROM, TO).ok();

        CliProcess.Result failed = dogu.cli(images.newImage()).run("startup");
        assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(3);
        String error = lastLine(failed.stderr());
        assertThat(error).startsWith("dogu-upgrade: error [DU-RESTORE]").contains(NOT_AVAILABLE)
                .doesNotContain(PASSWORD);
        assertThat(dogu.state().get(StateKeys.LOCAL_STATE).orElse("")).startsWith("failed: ").contains(NOT_AVAILABLE);
        CliProcess.Result status = dogu.cli(images.newImage()).run("status", "--json").ok();
        assertThat(status.stdout()).contains("\"failed\":true");

        long t0 = System.nanoTime();
        CliProcess.Result again = dogu.cli(images.newImage()).run("startup");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(again.exitCode()).as(again.stderr()).isEqualTo(3);
        assertThat(again.stderr()).as("no second restore").doesNotContain("[initdb]", "temporary PostgreSQL");
        assertThat(lastLine(again.stderr())).startsWith("dogu-upgrade: error [DU-FAILED]").contains(NOT_AVAILABLE,
                "dogu-upgrade retry-restore", "dogu-upgrade abort");
        assertThat(millis).as("the second start ends at once").isLessThan(15_000);
        System.out.printf("RestoreFailureIT %s %s: failed startup, second startup exit 3 in %d ms%n  %s%n  %s%n",
                dogu.layout(), strategy, millis, error, lastLine(again.stderr()));
        assertThat(dogu.pgdata(OLD).resolve("PG_VERSION")).as("the old cluster is untouched").exists();
        return before;
    }

    /** Two "images": copies of the old and new servers; the old one has the extension, the new one not (yet). */
    private Images images() throws IOException {
        Path dir = Files.createDirectories(root.resolve("images"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresBinaries oldImage = PostgresBinaries.of(OLD).linkedCopy(dir.resolve("old"));
        addExtension(oldImage);
        return new Images(oldImage, PostgresBinaries.of(NEW).linkedCopy(dir.resolve("new")));
    }

    private static void addExtension(PostgresBinaries image) throws IOException {
        Path extensions = image.share().resolve("extension");
        Files.writeString(extensions.resolve(EXTENSION + ".control"), "comment = 'an extension only the old image"
                + " had'\ndefault_version = '1.0'\nrelocatable = true\n");
        Files.writeString(extensions.resolve(EXTENSION + "--1.0.sql"), "CREATE FUNCTION " + EXTENSION
                + "_answer() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 42';\n");
    }

    private static int answer(PostgresServer server) throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a FROM answers")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String lastLine(String text) {
        return text.strip().lines().reduce((a, b) -> b).orElse("");
    }

    private record Images(PostgresBinaries oldImage, PostgresBinaries newImage) {
    }
}
