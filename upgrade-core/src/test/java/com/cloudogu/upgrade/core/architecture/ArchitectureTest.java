package com.cloudogu.upgrade.core.architecture;


import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of upgrade-api and upgrade-core, as rules that fail the build when broken
 * (docs/ARCHITECTURE.md draws the same picture). The rules live in {@link ArchitectureRules} so the
 * tests that prove they can fail ({@code ArchitectureRulesCatchViolationsTest}) run the very same rules.
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.cloudogu.upgrade.api", "com.cloudogu.upgrade.core");
    }

    @Test
    void theEngineIsLayeredFromTheFacadeDownToProcesses() {
        ArchitectureRules.layering().check(production);
    }

    @Test
    void noInternalTypeAppearsInAPublicSignatureOfTheApiPackages() {
        ArchitectureRules.noInternalTypesInPublicApi().check(production);
    }

    @Test
    void theInternalPackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenInternalPackages().check(production);
    }

    @Test
    void theApiDependsOnNothingButTheJdk() {
        ArchitectureRules.apiDependsOnlyOnTheJdk().check(production);
    }

    @Test
    void everyPublicTypeOfTheApiPackagesDeclaresItsStability() {
        ArchitectureRules.publicApiTypesDeclareStability().check(production);
    }
}
