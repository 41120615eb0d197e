package io.duratask.sqlite;

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
        return SqliteProvider.open(dir.resolve("list.db"), SqliteOptions.builder().clock(clock).build());
    }
}
