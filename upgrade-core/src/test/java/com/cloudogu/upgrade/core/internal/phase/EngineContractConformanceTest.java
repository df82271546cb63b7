package com.cloudogu.upgrade.core.internal.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.api.migration.Migration;
import com.cloudogu.upgrade.api.migration.MigrationContext;
import com.cloudogu.upgrade.core.internal.event.EventDispatcher;
import com.cloudogu.upgrade.testkit.compat.EngineContract;
import com.cloudogu.upgrade.testkit.compat.InMemoryStateStore;
import com.cloudogu.upgrade.testkit.compat.TestMigrationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.Mockito;

/**
 * The testkit's compatibility kit runs migrations itself ({@link EngineContract}, the testkit must not
 * depend on core). This proves that the engine's {@link MigrationRunner} and the kit treat a
 * migration the same in every case the kit checks: same calls, same marker afterwards, same outcome.
 */
class EngineContractConformanceTest {

    enum Case { MARKER_SET, MARKER_OTHER_VALUE, NOT_APPLICABLE, SUCCEEDS, MIGRATE_THROWS, APPLIES_TO_THROWS }

    @ParameterizedTest
    @EnumSource(Case.class)
    void runnerAndKitMakeTheSameCallsAndLeaveTheSameMarker(Case c) {
        Run engine = new Run(c);
        Throwable engineFailure = catchThrowable(() -> new MigrationRunner(engine.state, new EventDispatcher())
                .run(List.of(engine.migration), engine.context()));
        Run kit = new Run(c);
        EngineContract.Outcome outcome = EngineContract.run(kit.migration, kit.context());

        assertThat(kit.migration.calls).as("calls").isEqualTo(engine.migration.calls);
        assertThat(kit.state.snapshot()).as("state afterwards").isEqualTo(engine.state.snapshot());
        assertThat(outcome.result() == EngineContract.Result.FAILED).as("failed").isEqualTo(engineFailure != null);
    }

    private static final class Run {
        final InMemoryStateStore state = new InMemoryStateStore();
        final Scripted migration;

        Run(Case c) {
            migration = new Scripted(c);
            if (c == Case.MARKER_SET) {
                state.set("scripted_done", "true");
            } else if (c == Case.MARKER_OTHER_VALUE) {
                state.set("scripted_done", "yes");
            }
        }

        MigrationContext context() {
            return new TestMigrationContext(Mockito.mock(DatabaseServer.class), state, Optional.empty(), Optional.empty());
        }
    }

    private static final class Scripted implements Migration {
        final Case c;
        final List<String> calls = new ArrayList<>();

        Scripted(Case c) {
            this.c = c;
        }

        @Override
        public String id() {
            return "50-scripted";
        }

        @Override
        public String description() {
            return "Does what the case says";
        }

        @Override
        public Optional<String> marker() {
            return Optional.of("scripted_done");
        }

        @Override
        public boolean appliesTo(MigrationContext context) {
            calls.add("appliesTo");
            if (c == Case.APPLIES_TO_THROWS) {
                throw new IllegalStateException("cannot decide");
            }
            return c != Case.NOT_APPLICABLE;
        }

        @Override
        public void migrate(MigrationContext context) throws Exception {
            calls.add("migrate");
            if (c == Case.MIGRATE_THROWS) {
                throw new java.sql.SQLException("broken");
            }
        }

        @Override
        public String toString() {
            return Map.of("case", c).toString();
        }
    }
}
