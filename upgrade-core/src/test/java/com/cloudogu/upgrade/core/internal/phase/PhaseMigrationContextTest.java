package com.cloudogu.upgrade.core.internal.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.core.internal.state.MemoryStateStore;
import com.cloudogu.upgrade.api.state.StateKeys;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhaseMigrationContextTest {

    @Test
    void migrationsReadStateButNeverThePassword() {
        MemoryStateStore store = new MemoryStateStore();
        store.set(StateKeys.PASSWORD, "secret");
        store.set("restricted_stat_visibility", "true");
        PhaseMigrationContext context = new PhaseMigrationContext(Optional.empty(), Optional.empty(), store, null,
                new EventDispatcher());

        assertThat(context.state("restricted_stat_visibility")).contains("true");
        assertThat(context.state("unset_key")).isEmpty();
        assertThatThrownBy(() -> context.state(StateKeys.PASSWORD)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'password'").hasMessageNotContaining("secret");
    }
}
