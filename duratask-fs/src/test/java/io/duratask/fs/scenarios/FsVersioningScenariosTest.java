package io.duratask.fs.scenarios;

import io.duratask.spi.Provider;
import io.duratask.testkit.VersioningScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FsVersioningScenariosTest extends VersioningScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }
}
