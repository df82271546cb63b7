package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One error line for both paths, ending with the section of docs/ERRORS.md that explains the code. */
class ErrorReporterTest {

    private static final Path REFERENCE = Path.of("..", ErrorReporter.REFERENCE);

    @Test
    void anUpgradeErrorIsOneLineWithCodeMessageAndReference() {
        UpgradeException e = new UpgradeException(ErrorCode.RESTORE_FAILED, "Restoring stopped at the first error.");

        assertThat(new ErrorReporter(false).line(e)).isEqualTo("dogu-upgrade: error [DU-RESTORE]: Restoring stopped at"
                + " the first error. (see docs/ERRORS.md#du-restore)");
    }

    @Test
    void anythingElseIsAnInternalErrorThatAsksForVerboseOutput() {
        IllegalStateException bug = new IllegalStateException("boom");

        assertThat(new ErrorReporter(false).line(bug))
                .isEqualTo("dogu-upgrade: internal error: java.lang.IllegalStateException: boom"
                        + " (rerun with --verbose for details)");
        assertThat(new ErrorReporter(true).line(bug)).isEqualTo("dogu-upgrade: internal error: " + bug);
        assertThat(ExitCodes.of(bug)).isEqualTo(ExitCodes.INTERNAL);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeHasASectionWithItsExitCodeAtTheAnchorTheLineNames(ErrorCode code) throws IOException {
        String page = Files.readString(REFERENCE);
        String anchor = ErrorReporter.reference(code).substring(ErrorReporter.REFERENCE.length() + 1);

        Matcher section = Pattern.compile("(?ms)^### " + Pattern.quote(code.code()) + "\\n\\n(.*?)(?=^##)").matcher(page);
        assertThat(section.find()).as("section '### " + code.code() + "' in " + REFERENCE).isTrue();
        assertThat(githubAnchor(code.code())).as("anchor of the heading").isEqualTo(anchor);
        assertThat(section.group(1)).as(code + ": what it means and what to do")
                .startsWith("Exit code " + ExitCodes.of(code) + ". ").contains("What to do: ");
    }

    /** What GitHub (and most Markdown renderers) make of a heading: lower case, spaces to dashes. */
    private static String githubAnchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    @Test
    void theFullCommandLineReportsAnUpgradeErrorWithTheMappedExitCode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = DoguUpgradeCli.run("status", "--state-store", "etcd://somewhere");
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("dogu-upgrade:")).toList())
                .singleElement().asString()
                .startsWith("dogu-upgrade: error [DU-USAGE]: Unknown state store 'etcd://somewhere'")
                .endsWith("(see docs/ERRORS.md#du-usage)");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("\tat ");
    }

    @Test
    void theVersionComesFromTheJarManifest() {
        assertThat(ManifestVersion.text("0.1.0")).isEqualTo("dogu-upgrade 0.1.0");
        assertThat(ManifestVersion.text(null)).startsWith("dogu-upgrade ").contains("unknown");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(DoguUpgradeCli.commandLine(Map.of(), new ErrorReporter(false)).execute("--version")).isZero();
        } finally {
            System.setOut(original);
        }
        // Classes from target/classes have no manifest; ShadedJarIT checks the jar's own version.
        assertThat(out.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(ManifestVersion.text(DoguUpgradeCli.class.getPackage().getImplementationVersion()));
    }
}
