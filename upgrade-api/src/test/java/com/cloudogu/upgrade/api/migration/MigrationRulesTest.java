package com.cloudogu.upgrade.api.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"01-restore", "10-grant-monitoring-role", "100-c", "009-nine", "42-x1-y2"})
    void idsOfTheFormNumberDashWordsAreAccepted(String id) {
        assertThat(MigrationRules.idProblem(id)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-one", "01_restore", "01-Restore", "01-", "-restore", "01--x", "01-x-", "restore"})
    void otherIdsAreRejectedWithTheFormToUse(String id) {
        assertThat(MigrationRules.idProblem(id)).hasValueSatisfying(p -> assertThat(p).contains("'" + id + "'", "NN-name"));
    }

    @Test
    void aNullIdIsRejected() {
        assertThat(MigrationRules.idProblem(null)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "local_state", "migration_backup_path", "migration_old_pgdata", "user"})
    void theDogusOwnKeysAreReservedAsMarkers(String key) {
        assertThat(MigrationRules.markerProblem(Optional.of(key)))
                .hasValueSatisfying(p -> assertThat(p).contains("'" + key + "' is reserved"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Done", "9lives", "a-b", "a.b", ""})
    void markersMustBePlainKeys(String key) {
        assertThat(MigrationRules.markerProblem(Optional.of(key)))
                .hasValueSatisfying(p -> assertThat(p).contains("not a plain state key"));
    }

    @Test
    void noMarkerIsFineAndANullOptionalIsNot() {
        assertThat(MigrationRules.markerProblem(Optional.empty())).isEmpty();
        assertThat(MigrationRules.markerProblem(null)).hasValueSatisfying(p -> assertThat(p).contains("null"));
        assertThat(MigrationRules.markerProblem(Optional.of("monitoring_role_granted"))).isEmpty();
    }

    @Test
    void orderIsTheNumberOfTheId() {
        assertThat(MigrationRules.order("009-nine")).isEqualTo(9);
        assertThatThrownBy(() -> MigrationRules.order("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheDoneValueCountsAsDone() {
        assertThat(MigrationRules.isDone(Optional.of("true"))).isTrue();
        assertThat(MigrationRules.isDone(Optional.of("TRUE"))).isFalse();
        assertThat(MigrationRules.isDone(Optional.of("yes"))).isFalse();
        assertThat(MigrationRules.isDone(Optional.empty())).isFalse();
    }
}
