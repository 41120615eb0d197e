package io.duratask.fs.scenarios;

import io.duratask.spi.Provider;
import io.duratask.testkit.RaceScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FsRaceScenariosTest extends RaceScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }
}
