package com.cloudogu.upgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStore;
import com.cloudogu.upgrade.core.StateStores;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path takes exactly the no-op hook calls and behaves as the full command line there; that
 * it reads every setting as picocli does is {@link SettingTest}'s business.
 */
class HookFastPathTest {

    @Test
    void everyOtherCallGoesThroughTheFullCommandLine() {
        Map<String, String> env = Map.of();
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(HookFastPath.run(new String[] {"status"}, env, err)).isEmpty();
        assertThat(HookFastPath.run(new String[] {"startup", "-v"}, env, err)).isEmpty();
        assertThat(HookFastPath.run(new String[] {"startup", "--help"}, env, err)).isEmpty();
        assertThat(HookFastPath.run(new String[] {"post-upgrade", "14.15-2", "17.6-1"}, env, err)).isEmpty();
        assertThat(HookFastPath.run(new String[] {"post-upgrade", "17.6", "17.6"}, env, err)).isEmpty();
        assertThat(HookFastPath.run(new String[] {"pre-upgrade", "17.6-1", "17.6-1"}, env, err)).isEmpty();
    }

    @Test
    void aSettingTheFastPathCannotReadIsLeftToTheFullCommandLine(@TempDir Path dir) {
        Map<String, String> env = environment(dir);
        env.put("DOGU_UPGRADE_WAIT_TIMEOUT", "ten minutes");

        assertThat(HookFastPath.run(new String[] {"startup"}, env, System.err)).isEmpty();
    }

    @Test
    void postUpgradeWithTheSameVersionRemovesTheUpgradeMark(@TempDir Path dir) {
        Map<String, String> env = environment(dir);
        StateStore state = StateStores.open(env.get("DOGU_UPGRADE_STATE_STORE"), Map.of());
        state.set(StateKeys.LOCAL_STATE, StateKeys.UPGRADING);

        OptionalInt exit = HookFastPath.run(new String[] {"post-upgrade", "17.6-1", "17.6-1"}, env, System.err);

        assertThat(exit).hasValue(ExitCodes.OK);
        assertThat(state.get(StateKeys.LOCAL_STATE)).isEmpty();
    }

    @Test
    void aFailedUpgradeIsReportedExactlyAsTheFullCommandLineReportsIt(@TempDir Path dir) throws Exception {
        Map<String, String> env = environment(dir);
        StateStores.open(env.get("DOGU_UPGRADE_STATE_STORE"), Map.of())
                .set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "migration 03 failed.");

        ByteArrayOutputStream fastErr = new ByteArrayOutputStream();
        OptionalInt fast = HookFastPath.run(new String[] {"startup"}, env,
                new PrintStream(fastErr, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream fullErr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int full;
        try {
            System.setErr(new PrintStream(fullErr, true, StandardCharsets.UTF_8));
            full = DoguUpgradeCli.run("startup", "--pgdata", env.get("PGDATA"), "--state-store",
                    env.get("DOGU_UPGRADE_STATE_STORE"), "--lock-file", env.get("DOGU_UPGRADE_LOCK_FILE"),
                    "--backup-dir", env.get("DOGU_UPGRADE_BACKUP_DIR"));
        } finally {
            System.setErr(original);
        }

        assertThat(fast).hasValue(ExitCodes.FAILED).hasValue(full);
        String fullError = fullErr.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("dogu-upgrade:")).findFirst().orElseThrow();
        assertThat(fastErr.toString(StandardCharsets.UTF_8).strip()).isEqualTo(fullError)
                .startsWith("dogu-upgrade: error [DU-FAILED]: ").contains("migration 03 failed.")
                .endsWith(" (see docs/ERRORS.md#du-failed)");
    }

    @Test
    void theFastPathRunsWithoutPicocliOnTheClassPath(@TempDir Path dir) throws Exception {
        Map<String, String> env = environment(dir);
        StateStores.open(env.get("DOGU_UPGRADE_STATE_STORE"), Map.of())
                .set(StateKeys.LOCAL_STATE, StateKeys.FAILED_PREFIX + "migration 03 failed.");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader withoutPicocli = new WithoutPicocli()) {
            Thread.currentThread().setContextClassLoader(withoutPicocli);
            Method run = withoutPicocli.loadClass(HookFastPath.class.getName())
                    .getDeclaredMethod("run", String[].class, Map.class, PrintStream.class);
            run.setAccessible(true);

            Object exit = run.invoke(null, new String[] {"startup"}, env, new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(exit).isEqualTo(OptionalInt.of(ExitCodes.FAILED));
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("dogu-upgrade: error [DU-FAILED]: ");
        } finally {
            Thread.currentThread().setContextClassLoader(original);
        }
    }

    /** The test class path in a loader of its own that refuses picocli: loading it would cost the fast path its speed. */
    private static final class WithoutPicocli extends URLClassLoader {

        WithoutPicocli() throws MalformedURLException {
            super(testClassPath(), ClassLoader.getPlatformClassLoader());
        }

        private static URL[] testClassPath() throws MalformedURLException {
            String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<URL> urls = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
            return urls.toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("picocli.")) {
                throw new ClassNotFoundException(name + " loaded by the fast path");
            }
            return super.loadClass(name, resolve);
        }
    }

    private static Map<String, String> environment(Path dir) {
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            Files.writeString(data.resolve("PG_VERSION"), "17\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGDATA", dir.resolve("data").toString());
        env.put("DOGU_UPGRADE_STATE_STORE", "file:" + dir.resolve("state.properties"));
        env.put("DOGU_UPGRADE_LOCK_FILE", dir.resolve("lock").toString());
        env.put("DOGU_UPGRADE_BACKUP_DIR", dir.resolve("backup").toString());
        return env;
    }
}
