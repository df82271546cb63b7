package com.cloudogu.upgrade.core.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.core.DoguUpgrade;
import com.cloudogu.upgrade.core.LeakyEmbeddingFixture;
import com.cloudogu.upgrade.core.internal.phase.PreUpgradePhase;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;
import com.cloudogu.upgrade.core.internal.process.archfixture.ProcessThatStartsAPhase;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules can fail: each is run over a deliberate violation kept in the test sources
 * (which {@link ArchitectureTest} does not import) and must report it.
 */
class ArchitectureRulesCatchViolationsTest {

    @Test
    void theLayeringRuleReportsTheBottomLayerUsingAPhase() {
        JavaClasses classes = new ClassFileImporter().importClasses(ProcessThatStartsAPhase.class,
                PreUpgradePhase.class, ProcessRunner.class, DoguUpgrade.class);

        assertThatThrownBy(() -> ArchitectureRules.layering().check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ProcessThatStartsAPhase")
                .hasMessageContaining("PreUpgradePhase");
    }

    @Test
    void theApiRuleReportsAnInternalTypeInAPublicSignature() {
        JavaClasses classes = new ClassFileImporter().importClasses(LeakyEmbeddingFixture.class, ProcessRunner.class);

        assertThatThrownBy(() -> ArchitectureRules.noInternalTypesInPublicApi().check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LeakyEmbeddingFixture.runner()")
                .hasMessageContaining("mentions the internal type " + ProcessRunner.class.getName());
    }
}
