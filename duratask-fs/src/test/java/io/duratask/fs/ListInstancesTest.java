package io.duratask.fs;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.ListInstancesTests;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class ListInstancesTest extends ListInstancesTests {
    @TempDir
    Path dir;

    @Override
    protected Provider open(Clock clock) {
        return FsProvider.open(dir.resolve("store"), FsOptions.builder().clock(clock).build());
    }
}
