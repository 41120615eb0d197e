package io.duratask.sqlite;

import io.duratask.spi.Provider;
import io.duratask.testkit.EagerDispatchContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class SqliteEagerDispatchContractTest extends EagerDispatchContract {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider(Clock clock) {
        return SqliteProvider.open(dir.resolve("eager.db"), SqliteOptions.builder().clock(clock).build());
    }

    @Override
    protected boolean holdsCompletionWithTheLock() {
        return true;
    }
}
