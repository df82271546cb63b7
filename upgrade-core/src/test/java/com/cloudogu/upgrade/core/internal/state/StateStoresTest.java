package com.cloudogu.upgrade.core.internal.state;

import com.cloudogu.upgrade.core.StateStores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.state.StateStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoresTest {

    @TempDir
    Path dir;

    @Test
    void bothBuiltInSchemesAreRegisteredAsServices() {
        assertThat(StateStores.schemes(StateStores.class.getClassLoader())).contains("doguctl", "file");
    }

    @Test
    void fileSchemeOpensAFileStoreAtThatPath() {
        Path file = dir.resolve("state.properties");

        StateStore store = StateStores.open("file:" + file, Map.of());
        store.set("local_state", "upgrading");

        assertThat(store).isInstanceOf(FileStateStore.class);
        assertThat(store.describe()).isEqualTo("file:" + file);
        assertThat(new FileStateStore(file).get("local_state")).contains("upgrading");
    }

    @Test
    void doguctlSchemeOpensADoguctlStoreFoundOnThePathSetting() throws Exception {
        DoguctlStandIn doguctl = DoguctlStandIn.install(dir);

        StateStore store = StateStores.open("doguctl", doguctl.settings());
        store.set("local_state", "upgrading");

        assertThat(store).isInstanceOf(DoguctlStateStore.class);
        assertThat(store.get("local_state")).contains("upgrading");
        assertThat(doguctl.calls().get(0)).containsExactly("config", "local_state", "upgrading");
    }

    @Test
    void unknownSchemeIsAUsageErrorNamingTheValueAndTheKnownSchemes() {
        assertThatThrownBy(() -> StateStores.open("etcd:/dogu/postgresql", Map.of()))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).startsWith("Unknown state store 'etcd:/dogu/postgresql': scheme 'etcd'"
                            + " is not one of ").contains("doguctl", "file");
                });
    }

    @Test
    void fileSchemeWithoutAPathIsAUsageError() {
        assertThatThrownBy(() -> StateStores.open("file:", Map.of()))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("'file:'", "needs the path");
                });
    }

    @Test
    void emptySettingIsAUsageError() {
        assertThatThrownBy(() -> StateStores.open(" ", Map.of()))
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void doguctlMissingFromThePathIsAUsageErrorSayingSo() {
        assertThatThrownBy(() -> StateStores.open("doguctl", Map.of("PATH", dir.toString())))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("doguctl program, but it is not on PATH (" + dir + ")");
                });
    }
}
