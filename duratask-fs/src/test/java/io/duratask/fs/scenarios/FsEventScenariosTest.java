package io.duratask.fs.scenarios;

import io.duratask.spi.Provider;
import io.duratask.testkit.EventScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FsEventScenariosTest extends EventScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }
}
