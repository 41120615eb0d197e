package io.duratask.fs.scenarios;

import io.duratask.spi.Provider;
import io.duratask.testkit.DeterminismScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FsDeterminismScenariosTest extends DeterminismScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }
}
