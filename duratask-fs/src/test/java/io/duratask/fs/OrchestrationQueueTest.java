package io.duratask.fs;

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
        return FsProvider.open(dir.resolve("store"), FsOptions.builder().clock(clock).build());
    }

    @Override
    protected void close(Provider provider) {
        Snapshot.assertSameAfterReopen((FsProvider) provider, FsOptions.builder().clock(clock).build()).close();
    }
}
