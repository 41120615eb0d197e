package io.duratask.sqlite;

import io.duratask.spi.Provider;
import io.duratask.testkit.RestartScenarios;
import java.nio.file.Path;

/** The testkit's restart scenario on a SQLite file. */
class RestartTest extends RestartScenarios {
    @Override
    protected Provider open(Path place) {
        return SqliteProvider.open(place); // a file
    }
}
