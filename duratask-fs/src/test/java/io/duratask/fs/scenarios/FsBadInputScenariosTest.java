package io.duratask.fs.scenarios;

import io.duratask.spi.Provider;
import io.duratask.testkit.BadInputScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FsBadInputScenariosTest extends BadInputScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }
}
