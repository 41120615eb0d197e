package io.duratask.sqlite.conformance;

import io.duratask.sqlite.SqliteOptions;
import io.duratask.sqlite.SqliteProvider;
import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.Capabilities;
import io.duratask.testkit.conformance.ProviderConformanceKit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite provider through the whole conformance kit: a new file per store, shared by a second provider object. */
class SqliteConformanceTest extends ProviderConformanceKit {
    @TempDir
    static Path dir;

    @Override
    protected Provider createProvider(Clock clock) {
        return SqliteProvider.open(dir.resolve("conformance-" + UUID.randomUUID() + ".db"), options(clock));
    }

    @Override
    protected Provider openAnotherProvider(Provider first, Clock clock) {
        return SqliteProvider.open(((SqliteProvider) first).file(), options(clock));
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all();
    }

    private static SqliteOptions options(Clock clock) {
        return SqliteOptions.builder().clock(clock).build();
    }
}
