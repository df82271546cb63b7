package com.cloudogu.upgrade.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.api.state.StateStoreException;
import com.cloudogu.upgrade.core.internal.process.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoguctlStateStoreTest {

    private static final RetryPolicy QUICK_RETRY = RetryPolicy.of(Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(4));

    @TempDir
    Path dir;

    private DoguctlStandIn doguctl;
    private DoguctlStateStore store;

    @BeforeEach
    void installStandIn() throws Exception {
        doguctl = DoguctlStandIn.install(dir);
        store = DoguctlStateStore.fromSettings(doguctl.settings(), QUICK_RETRY);
    }

    @Test
    void findsDoguctlOnThePathSetting() {
        assertThat(store.executable()).isEqualTo(dir.resolve("bin/doguctl"));
        assertThat(store.describe()).isEqualTo("doguctl");
    }

    @Test
    void setPassesExactlyConfigKeyValue() throws Exception {
        store.set(StateKeys.LOCAL_STATE, "upgrading");

        assertThat(doguctl.calls()).containsExactly(List.of("config", "local_state", "upgrading"));
    }

    @Test
    void getPassesARandomDefaultSentinelAndTheKey() throws Exception {
        store.set(StateKeys.LOCAL_STATE, "upgrading");

        assertThat(store.get(StateKeys.LOCAL_STATE)).contains("upgrading");
        assertThat(store.get(StateKeys.LOCAL_STATE)).contains("upgrading");

        List<List<String>> gets = doguctl.calls().subList(1, 3);
        for (List<String> get : gets) {
            assertThat(get).hasSize(4);
            assertThat(get.subList(0, 2)).containsExactly("config", "--default");
            assertThat(get.get(2)).startsWith("dogu-upgrade-unset-");
            assertThat(get.get(3)).isEqualTo("local_state");
        }
        assertThat(gets.get(0).get(2)).as("a fresh sentinel per call").isNotEqualTo(gets.get(1).get(2));
    }

    @Test
    void removePassesExactlyConfigRmKey() throws Exception {
        store.set(StateKeys.MIGRATION_BACKUP_PATH, "/backup/cluster.sql");

        store.remove(StateKeys.MIGRATION_BACKUP_PATH);

        assertThat(doguctl.calls().get(1)).containsExactly("config", "--rm", "migration_backup_path");
        assertThat(store.get(StateKeys.MIGRATION_BACKUP_PATH)).isEmpty();
    }

    @Test
    void keyThatIsNotSetIsEmpty() {
        assertThat(store.get("restricted_stat_visibility")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"with spaces  inside ", "it's", "say \"hi\"", "two\nlines", "trailing newline\n",
            "\n", "", "$(touch /tmp/x); rm -rf *", "back\\slash\\n", "ümlaut ✓", "  leading blanks"})
    void valuesRoundTripExactly(String value) throws Exception {
        store.set("some_key", value);

        assertThat(store.get("some_key")).contains(value);
        assertThat(doguctl.calls().get(0)).containsExactly("config", "some_key", value);
    }

    @Test
    void valueWithALeadingDashIsSeparatedByDoubleDashSoDoguctlDoesNotTakeItForAnOption() throws Exception {
        store.set("some_key", "-x --y");

        assertThat(doguctl.calls().get(0)).containsExactly("config", "--", "some_key", "-x --y");
        assertThat(store.get("some_key")).contains("-x --y");
    }

    @Test
    void doguctlFailingOnGetIsAnErrorNamingTheKeyAndDoguctlsMessageNeverNotSet() throws Exception {
        doguctl.failAlways("could not read from etcd: context deadline exceeded");

        assertThatThrownBy(() -> store.get(StateKeys.LOCAL_STATE))
                .isInstanceOfSatisfying(StateStoreException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STATE_STORE);
                    assertThat(e.getMessage())
                            .contains("'local_state'")
                            .contains("could not read from etcd: context deadline exceeded")
                            .contains("4 attempts");
                });
    }

    @Test
    void transientFailureIsRetriedUntilItSucceeds() throws Exception {
        doguctl.failNextCalls(2);

        store.set(StateKeys.LOCAL_STATE, "upgrading");

        assertThat(doguctl.calls()).hasSize(3).allSatisfy(call ->
                assertThat(call).containsExactly("config", "local_state", "upgrading"));
        assertThat(doguctl.stores("local_state")).isTrue();
    }

    @Test
    void persistentFailureGivesUpAfterTheConfiguredAttemptsWithAClearError() throws Exception {
        doguctl.failAlways("could not connect to etcd: connection refused");

        assertThatThrownBy(() -> store.set(StateKeys.LOCAL_STATE, "upgrading"))
                .isInstanceOf(StateStoreException.class)
                .hasMessage("doguctl could not write state key 'local_state' (4 attempts; last: exit code 1,"
                        + " could not connect to etcd: connection refused). Check that the dogu's configuration"
                        + " store (etcd or the config volume) is reachable.");
        assertThat(doguctl.calls()).hasSize(4);
    }

    @Test
    void withoutRetriesAFailureIsReportedAfterOneAttempt() throws Exception {
        DoguctlStateStore impatient = DoguctlStateStore.fromSettings(doguctl.settings(), RetryPolicy.none());
        doguctl.failNextCalls(1);

        assertThatThrownBy(() -> impatient.remove("local_state")).hasMessageContaining("(1 attempt;");
        assertThat(doguctl.calls()).hasSize(1);
    }

    @Test
    void passwordIsEncryptedAndItsValueNeverLogged() throws Exception {
        String password = "pa ss'w\"ord-s3cr3t";
        doguctl.echoArgumentsToStderr();

        String logged;
        try (LogCapture log = LogCapture.start()) {
            store.set(StateKeys.PASSWORD, password);
            assertThat(store.get(StateKeys.PASSWORD)).contains(password);
            logged = log.text();
        }

        List<List<String>> calls = doguctl.calls();
        assertThat(calls.get(0)).containsExactly("config", "-e", "password", password);
        assertThat(calls.get(1).subList(0, 3)).containsExactly("config", "-e", "--default");
        assertThat(calls.get(1).get(4)).isEqualTo("password");
        assertThat(doguctl.storesEncrypted("password")).isTrue();
        assertThat(logged).contains("doguctl called with: config -e password ****")
                .doesNotContain(password).doesNotContain("s3cr3t");
    }

    @Test
    void failingToSetThePasswordNeverPutsItIntoTheError() throws Exception {
        String password = "hunter2-secret";
        doguctl.failAlways("cannot store value");
        doguctl.echoArgumentsToStderr();

        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> store.set(StateKeys.PASSWORD, password))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageNotContaining(password);
            assertThat(log.text()).doesNotContain(password);
        }
    }

    @Test
    void doguctlMissingFromThePathIsAClearError() {
        assertThatThrownBy(() -> DoguctlStateStore.fromSettings(Map.of("PATH", dir.resolve("empty").toString())))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("doguctl")
                .hasMessageContaining(dir.resolve("empty").toString());
    }

    @Test
    void keyStartingWithADashIsRefusedBeforeCallingDoguctl() throws Exception {
        assertThatThrownBy(() -> store.get("--rm")).isInstanceOf(StateStoreException.class);
        assertThat(doguctl.calls()).isEmpty();
    }

    @Test
    void removesExactlyOneTrailingNewlineFromOutput() {
        assertThat(DoguctlStateStore.withoutFinalNewline("value\n\n")).isEqualTo("value\n");
        assertThat(DoguctlStateStore.withoutFinalNewline("value")).isEqualTo("value");
    }
}
