package com.cloudogu.upgrade.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudogu.upgrade.api.state.StateKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link UpgradeStatus} reads {@code local_state} with the {@link StateKeys} values, so callers need not. */
class UpgradeStatusTest {

    private static UpgradeStatus withLocalState(String localState) {
        return new UpgradeStatus(localState, "", "/var/lib/postgresql", "17", Map.of(), "");
    }

    @Test
    void upgradingOnlyWhilePreUpgradeMarkedTheUpgrade() {
        assertThat(withLocalState(StateKeys.UPGRADING).upgrading()).isTrue();
        assertThat(withLocalState("").upgrading()).isFalse();
        assertThat(withLocalState(StateKeys.FAILED_PREFIX + "restore failed").upgrading()).isFalse();
    }

    @Test
    void failedWhenAPhaseRecordedAReason() {
        assertThat(withLocalState(StateKeys.FAILED_PREFIX + "restore failed").failed()).isTrue();
        assertThat(withLocalState(StateKeys.UPGRADING).failed()).isFalse();
        assertThat(withLocalState("").failed()).isFalse();
        assertThat(withLocalState("failed").failed()).as("no reason, not the recorded form").isFalse();
    }
}
