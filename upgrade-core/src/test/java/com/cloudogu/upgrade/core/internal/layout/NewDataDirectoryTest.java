package com.cloudogu.upgrade.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cloudogu.upgrade.api.ErrorCode;
import com.cloudogu.upgrade.api.UpgradeException;
import com.cloudogu.upgrade.core.internal.server.ServerOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new image's PGDATA ({@code <volume>/<major>/docker}) does not exist on the volume yet: it is
 * created with its parents, private to the database user, and an existing one is left alone.
 */
class NewDataDirectoryTest {

    @TempDir
    Path volume;

    private final ServerOwner owner = new ServerOwner("postgres", false);

    @Test
    void aMissingPgdataIsCreatedWithItsParentsAndOnlyItsOwnerMayEnterIt() throws IOException {
        Path pgdata = volume.resolve("17/docker");

        assertThat(NewDataDirectory.ensure(pgdata, owner)).isTrue();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pgdata))).isEqualTo("rwx------");
        assertThat(volume.resolve("17")).isDirectory(); // its mode depends on the umask; PGDATA's cannot be wider
    }

    @Test
    void anExistingPgdataIsLeftAsItIs() throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("17/docker"));
        Files.writeString(pgdata.resolve("PG_VERSION"), "17\n");

        assertThat(NewDataDirectory.ensure(pgdata, owner)).isFalse();

        assertThat(pgdata.resolve("PG_VERSION")).exists();
    }

    @Test
    void aFileInTheWayIsADataDirectoryErrorNamingThePath() throws IOException {
        Files.writeString(volume.resolve("17"), "not a directory");

        UpgradeException e = catchThrowableOfType(() -> NewDataDirectory.ensure(volume.resolve("17/docker"), owner),
                UpgradeException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY);
        assertThat(e.getMessage()).contains("Cannot create " + volume.resolve("17"), "nothing else was changed");
    }
}
