package com.cloudogu.upgrade.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel backup's list of databases: each gets its own numbered {@code pg_dump} directory, only the
 * databases a fresh cluster lacks are created, and a list that was tampered with is refused.
 */
class DatabaseListTest {

    @TempDir
    Path backup;

    @Test
    void eachDatabaseGetsANumberedDirectoryInDumpOrder() {
        DatabaseList list = DatabaseList.of(List.of("template1", "postgres", "app", "audit"));

        assertThat(list.entries()).extracting(DatabaseList.Entry::directory)
                .containsExactly("db-0001", "db-0002", "db-0003", "db-0004");
    }

    @Test
    void onlyDatabasesAFreshClusterLacksAreCreated() {
        DatabaseList list = DatabaseList.of(List.of("template1", "postgres", "app"));

        assertThat(list.entries()).containsExactly(new DatabaseList.Entry("template1", "db-0001", false),
                new DatabaseList.Entry("postgres", "db-0002", false), new DatabaseList.Entry("app", "db-0003", true));
    }

    @Test
    void theListReadsBackEqualIncludingNamesWithSpacesAndUmlauts() throws IOException {
        DatabaseList list = DatabaseList.of(List.of("template1", "postgres", "Kunden Ärger", "a=b"));

        list.write(backup.resolve(DatabaseList.FILE));

        assertThat(DatabaseList.read(backup)).isEqualTo(list);
    }

    @Test
    void aMissingListIsAnIoError() {
        assertThat(catchThrowableOfType(() -> DatabaseList.read(backup), IOException.class)).isNotNull();
    }

    @Test
    void aDirectoryThatCouldLeaveTheBackupIsRefused() throws IOException {
        Files.writeString(backup.resolve(DatabaseList.FILE),
                "databases=1\ndatabase.0.name=app\ndatabase.0.directory=../../etc\ndatabase.0.create=true\n");

        IOException e = catchThrowableOfType(() -> DatabaseList.read(backup), IOException.class);

        assertThat(e).hasMessageContaining(backup.resolve(DatabaseList.FILE) + " is malformed")
                .hasMessageContaining("entry 0 has no valid directory");
    }

    @Test
    void aListWithFewerEntriesThanItsCountIsRefused() throws IOException {
        Files.writeString(backup.resolve(DatabaseList.FILE),
                "databases=2\ndatabase.0.name=app\ndatabase.0.directory=db-0001\ndatabase.0.create=true\n");

        IOException e = catchThrowableOfType(() -> DatabaseList.read(backup), IOException.class);

        assertThat(e).hasMessageContaining("is malformed").hasMessageContaining("entry 1");
    }

    @Test
    void aGarbledCountIsRefused() throws IOException {
        Files.writeString(backup.resolve(DatabaseList.FILE), "databases=many\n");

        IOException e = catchThrowableOfType(() -> DatabaseList.read(backup), IOException.class);

        assertThat(e).hasMessageContaining("is malformed");
    }
}
