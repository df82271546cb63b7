package com.cloudogu.upgrade.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashSet;
import java.util.Set;

/** The architecture rules of upgrade-api and upgrade-core. */
final class ArchitectureRules {

    static final String API = "com.cloudogu.upgrade.api..";
    static final String EMBEDDING = "com.cloudogu.upgrade.core";
    static final String INTERNAL = "com.cloudogu.upgrade.core.internal..";

    private ArchitectureRules() {
    }

    /** {@code DoguUpgrade} and its builder: the facade that wires the engine. */
    private static final DescribedPredicate<JavaClass> FACADE = DescribedPredicate.describe("the DoguUpgrade facade",
            c -> c.getPackageName().equals(EMBEDDING) && c.getName().startsWith(EMBEDDING + ".DoguUpgrade"));

    /** The settings and read models of the embedding package, which the internals fill in. */
    private static final DescribedPredicate<JavaClass> VALUES = DescribedPredicate.describe(
            "the embedding package's settings and read models",
            c -> c.getPackageName().equals(EMBEDDING) && !FACADE.test(c));

    /**
     * facade → phases → (checks, formats) → restore → backup → layout → (server, state, migrations) →
     * infrastructure. A layer may use the ones below it, never one above.
     */
    static ArchRule layering() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Facade").definedBy(FACADE)
                .layer("Values").definedBy(VALUES)
                .layer("Phases").definedBy("..core.internal.phase..")
                .layer("Checks").definedBy("..core.internal.check..")
                .layer("Formats").definedBy("..core.internal.format..")
                .layer("Restore").definedBy("..core.internal.restore..")
                .layer("Backup").definedBy("..core.internal.backup..", "..core.internal.pgupgrade..")
                .layer("Layout").definedBy("..core.internal.layout..")
                .layer("Migrations").definedBy("..core.internal.migration..")
                .layer("Server").definedBy("..core.internal.server..")
                .layer("State").definedBy("..core.internal.state..")
                .layer("Infrastructure").definedBy("..core.internal.process..", "..core.internal.io..",
                        "..core.internal.event..", "..core.internal.lock..", "..core.internal.checkpoint..",
                        "..core.internal.discovery..")
                .whereLayer("Facade").mayNotBeAccessedByAnyLayer()
                .whereLayer("Phases").mayOnlyBeAccessedByLayers("Facade")
                .whereLayer("Checks").mayOnlyBeAccessedByLayers("Facade", "Values", "Phases")
                .whereLayer("Formats").mayOnlyBeAccessedByLayers("Phases")
                .whereLayer("Restore").mayOnlyBeAccessedByLayers("Phases", "Formats")
                .whereLayer("Backup").mayOnlyBeAccessedByLayers("Facade", "Values", "Phases", "Formats", "Restore")
                .whereLayer("Layout").mayOnlyBeAccessedByLayers("Phases", "Formats", "Restore", "Backup")
                .whereLayer("Migrations").mayOnlyBeAccessedByLayers("Facade", "Phases")
                .whereLayer("Server").mayOnlyBeAccessedByLayers("Facade", "Phases", "Checks", "Formats", "Restore",
                        "Backup", "Layout")
                .whereLayer("State").mayOnlyBeAccessedByLayers("Facade", "Values", "Phases")
                .whereLayer("Infrastructure").mayOnlyBeAccessedByLayers("Facade", "Values", "Phases", "Checks",
                        "Formats", "Restore", "Backup", "Layout", "Migrations", "Server", "State", "Infrastructure")
                .because("docs/ARCHITECTURE.md: each layer uses only the layers below it");
    }

    /**
     * Public members of public types in upgrade-api and the embedding package never mention an
     * internal type: not as parameter, return, field or thrown type, type argument, supertype.
     */
    static ArchRule noInternalTypesInPublicApi() {
        return classes().that().resideInAnyPackage(API, EMBEDDING).and().arePublic()
                .should(new ArchCondition<JavaClass>("not mention an internal type in a public signature") {
                    @Override
                    public void check(JavaClass type, ConditionEvents events) {
                        Set<String> leaks = new LinkedHashSet<>();
                        type.getAllRawSuperclasses().forEach(s -> note(leaks, s, type.getName() + " extends"));
                        type.getAllRawInterfaces().forEach(i -> note(leaks, i, type.getName() + " implements"));
                        for (JavaCodeUnit unit : type.getCodeUnits()) {
                            if (unit.getModifiers().contains(JavaModifier.PUBLIC) && !unit.getName().startsWith("lambda$")) {
                                unit.getReturnType().getAllInvolvedRawTypes().forEach(t -> note(leaks, t, unit.getFullName()));
                                unit.getParameterTypes().forEach(p -> p.getAllInvolvedRawTypes()
                                        .forEach(t -> note(leaks, t, unit.getFullName())));
                                unit.getThrowsClause().getTypes().forEach(t -> note(leaks, t, unit.getFullName()));
                            }
                        }
                        for (JavaField field : type.getFields()) {
                            if (field.getModifiers().contains(JavaModifier.PUBLIC)) {
                                field.getType().getAllInvolvedRawTypes().forEach(t -> note(leaks, t, field.getFullName()));
                            }
                        }
                        leaks.forEach(l -> events.add(SimpleConditionEvent.violated(type, l)));
                    }
                })
                .because("an embedder or plugin author must never depend on a type without a compatibility promise");
    }

    private static void note(Set<String> leaks, JavaClass mentioned, String where) {
        if (mentioned.getPackageName().startsWith("com.cloudogu.upgrade.core.internal")) {
            leaks.add(where + " mentions the internal type " + mentioned.getName());
        }
    }

    /** The internal packages form a directed graph without cycles. */
    static ArchRule noCyclesBetweenInternalPackages() {
        return slices().matching("com.cloudogu.upgrade.core.internal.(*)..").should().beFreeOfCycles();
    }

    /** upgrade-api has no dependencies: a plugin compiles against it alone. */
    static ArchRule apiDependsOnlyOnTheJdk() {
        return noClasses().that().resideInAPackage(API).should().dependOnClassesThat()
                .resideOutsideOfPackages(API, "java..")
                .because("upgrade-api has no dependencies; a plugin compiles against it alone");
    }

    /** Every public type of upgrade-api and the embedding package says how far it may be relied on. */
    static ArchRule publicApiTypesDeclareStability() {
        return classes().that().resideInAnyPackage(API, EMBEDDING).and().arePublic().and().areTopLevelClasses()
                .and().doNotHaveSimpleName("package-info")
                .should().beAnnotatedWith(com.cloudogu.upgrade.api.Api.class)
                .because("stability is declared on every public type (docs/ARCHITECTURE.md, 'Compatibility')");
    }
}
