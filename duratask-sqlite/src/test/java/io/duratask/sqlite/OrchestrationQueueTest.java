package io.duratask.sqlite;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.OrchestrationQueueTests;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class OrchestrationQueueTest extends OrchestrationQueueTests {
    @TempDir
    Path dir;

    @Override
    protected Provider open(Clock clock) {
        return SqliteProvider.open(dir.resolve("duratask.db"), SqliteOptions.builder().clock(clock).build());
    }
}
