package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.DoguVersion;
import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.api.backup.BackupRule;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner asks every rule and requires a backup when any fires, giving each rule's reason. */
class BackupPlannerTest {

    private static final DoguVersion V14 = DoguVersion.parse("14.19-1");
    private static final DoguVersion V14_LATER = DoguVersion.parse("14.21-0");
    private static final DoguVersion V17 = DoguVersion.parse("17.6-0");

    @Test
    void theShippedRulesRequireABackupFrom14_19To17AndGiveBothReasons() {
        BackupDecision d = BackupPlanner.discover(getClass().getClassLoader()).decide(V14, V17);

        assertThat(d.required()).isTrue();
        assertThat(d.reasons()).containsExactly("major-upgrade: PostgreSQL 14 -> 17",
                "layout-migration: layout changed in 14.21-0 (PGDATA moved from /var/lib/postgresql to"
                        + " /var/lib/postgresql/<major>/docker)");
    }

    @Test
    void theShippedRulesRequireNoBackupWithinAMajorEvenAcrossTheLayoutChange() {
        BackupDecision d = BackupPlanner.discover(getClass().getClassLoader()).decide(V14, V14_LATER);

        assertThat(d.required()).isFalse();
        assertThat(d.reasons()).isEmpty();
    }

    @Test
    void aPluginRuleAloneRequiresABackupAndIsNamedWithItsReason() {
        BackupPlanner planner = new BackupPlanner(List.of(new MajorUpgradeRule(), rule("acme-extension",
                "the acme extension changed its on-disk format")));

        BackupDecision d = planner.decide(V14, V14_LATER);

        assertThat(d.required()).isTrue();
        assertThat(d.reasons()).containsExactly("acme-extension: the acme extension changed its on-disk format");
    }

    @Test
    void noRulesMeanNoBackup() {
        assertThat(new BackupPlanner(List.of()).decide(V14, V17).required()).isFalse();
    }

    @Test
    void aRuleThatCannotBeLoadedIsADiscoveryErrorNamingIt(@TempDir Path jar) throws IOException {
        Path services = jar.resolve("META-INF/services/" + BackupRule.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.acme.MissingRule\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            UpgradeException e = catchThrowableOfType(() -> BackupPlanner.discover(loader), UpgradeException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_DISCOVERY);
            assertThat(e.getMessage()).contains("Backup rule discovery found 1 problem",
                    "Backup rule provider com.acme.MissingRule (listed in META-INF/services/"
                            + BackupRule.class.getName() + " of " + jar,
                    "the class is not there");
        }
    }

    private static BackupRule rule(String name, String reason) {
        return new BackupRule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> reason(DoguVersion from, DoguVersion to) {
                return Optional.of(reason);
            }
        };
    }
}
