package com.cloudogu.upgrade.core.internal.pgupgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.PgUpgradeMode;
import com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal.Entry;
import com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal.Recovery;
import com.cloudogu.upgrade.core.internal.pgupgrade.LinkJournal.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkJournalTest {

    @TempDir
    Path dir;

    private static final Path OLD = Path.of("/volume/15");
    private static final Path COPY = Path.of("/volume/backup/pg-upgrade-15.18-1.d");
    private static final Optional<Path> DUMP = Optional.of(Path.of("/volume/backup/cluster-15.sql"));

    @Test
    void nothingJournaledOrAModeThatKeepsTheOldClusterNeedsNothingUndone() {
        assertThat(LinkJournal.recovery(Optional.empty())).isEqualTo(Recovery.NONE);
        for (PgUpgradeMode mode : new PgUpgradeMode[] {PgUpgradeMode.COPY, PgUpgradeMode.CLONE}) {
            for (Step step : Step.values()) {
                assertThat(LinkJournal.recovery(Optional.of(new Entry(COPY, step, mode, OLD, Optional.empty()))))
                        .as(mode + " at " + step).isEqualTo(Recovery.NONE);
            }
        }
    }

    @Test
    void linkModeBeforeTheFirstStartRenamesTheControlFileBackWithOrWithoutADump() {
        for (Optional<Path> dump : java.util.List.of(DUMP, Optional.<Path>empty())) {
            assertThat(LinkJournal.recovery(Optional.of(new Entry(COPY, Step.STARTED, PgUpgradeMode.LINK, OLD, dump))))
                    .isEqualTo(Recovery.RENAME_BACK);
            assertThat(LinkJournal.recovery(Optional.of(new Entry(COPY, Step.LINKED, PgUpgradeMode.LINK, OLD, dump))))
                    .isEqualTo(Recovery.RENAME_BACK);
        }
    }

    @Test
    void afterTheFirstStartOnlyTheDumpOrTheSnapshotGoesBackNeverARename() {
        assertThat(LinkJournal.recovery(Optional.of(new Entry(COPY, Step.FIRST_START, PgUpgradeMode.LINK, OLD, DUMP))))
                .isEqualTo(Recovery.RESTORE_DUMP);
        assertThat(LinkJournal.recovery(Optional.of(new Entry(COPY, Step.FIRST_START, PgUpgradeMode.LINK, OLD,
                Optional.empty())))).isEqualTo(Recovery.NO_WAY_BACK);
    }

    @Test
    void eachStepReplacesTheLastOnDiskAndClearRemovesIt() {
        LinkJournal journal = new LinkJournal(dir);
        assertThat(journal.read()).isEmpty();
        Entry started = new Entry(COPY, Step.STARTED, PgUpgradeMode.LINK, OLD, DUMP);
        journal.record(started);
        assertThat(journal.read()).contains(started);
        journal.record(started.at(Step.FIRST_START));
        assertThat(new LinkJournal(dir).read()).contains(new Entry(COPY, Step.FIRST_START, PgUpgradeMode.LINK, OLD, DUMP));
        assertThat(dir.resolve(LinkJournal.FILE + ".partial")).doesNotExist();
        journal.clear();
        assertThat(journal.read()).isEmpty();
        journal.clear();
    }

    @Test
    void aJournalOfAnotherUpgradeSaysNothingAboutThisOne() {
        LinkJournal journal = new LinkJournal(dir);
        journal.record(new Entry(COPY, Step.FIRST_START, PgUpgradeMode.LINK, OLD, DUMP));
        assertThat(journal.readFor(COPY)).isPresent();
        assertThat(journal.readFor(Path.of("/volume/backup/pg-upgrade-17.6-1.d"))).isEmpty();
    }

    @Test
    void aGarbledJournalStopsInsteadOfGuessing() throws Exception {
        Files.writeString(dir.resolve(LinkJournal.FILE), "installation=/b/x.d\nstep=HALFWAY\nmode=link\noldData=/x\n");
        assertThatThrownBy(() -> new LinkJournal(dir).read()).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED);
            assertThat(e.getMessage()).contains(LinkJournal.FILE, "check it by hand");
        });
    }

    @Test
    void theControlFileComesBackOnlyWhenPgUpgradeRenamedIt() throws Exception {
        Path global = Files.createDirectories(dir.resolve("old/global"));
        Files.writeString(global.resolve("pg_control"), "control");
        assertThat(LinkJournal.renameControlFileBack(dir.resolve("old"))).isFalse();
        assertThat(global.resolve("pg_control")).hasContent("control");

        Files.move(global.resolve("pg_control"), global.resolve("pg_control.old"));
        assertThat(LinkJournal.renameControlFileBack(dir.resolve("old"))).isTrue();
        assertThat(global.resolve("pg_control")).hasContent("control");
        assertThat(global.resolve("pg_control.old")).doesNotExist();
    }
}
