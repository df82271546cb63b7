package com.cloudogu.upgrade.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI is an embedder like any other: it uses upgrade-api and the embedding package of
 * upgrade-core, never {@code core.internal} (docs/ARCHITECTURE.md).
 */
class CliArchitectureTest {

    @Test
    void theCliUsesOnlyTheEmbeddingApiOfCore() {
        JavaClasses cli = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.cloudogu.upgrade.cli");
        noClasses().that().resideInAPackage("com.cloudogu.upgrade.cli..").should().dependOnClassesThat()
                .resideInAPackage("com.cloudogu.upgrade.core.internal..")
                .because("the CLI embeds dogu-upgrade through com.cloudogu.upgrade.core like any tool")
                .check(cli);
    }
}
