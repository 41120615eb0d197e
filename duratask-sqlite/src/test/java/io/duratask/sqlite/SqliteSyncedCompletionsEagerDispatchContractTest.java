package io.duratask.sqlite;

import io.duratask.spi.Provider;
import io.duratask.testkit.EagerDispatchContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** With {@code syncActivityCompletions}, an eager lock stores the completion durably instead of holding it. */
class SqliteSyncedCompletionsEagerDispatchContractTest extends EagerDispatchContract {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider(Clock clock) {
        return SqliteProvider.open(dir.resolve("eager.db"),
                SqliteOptions.builder().clock(clock).syncActivityCompletions(true).build());
    }
}
