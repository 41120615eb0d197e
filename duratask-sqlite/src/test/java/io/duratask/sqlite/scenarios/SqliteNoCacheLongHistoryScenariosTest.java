package io.duratask.sqlite.scenarios;

import io.duratask.RuntimeOptions;
import io.duratask.spi.Provider;
import io.duratask.testkit.LongHistoryScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link LongHistoryScenarios} on SQLite with the execution cache off: every turn rebuilds its execution by replay. */
class SqliteNoCacheLongHistoryScenariosTest extends LongHistoryScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }

    /**
     * Without the cache every turn reads and replays the whole history from the file, so the chain is
     * quadratic: 5,100 steps take minutes. 600 steps (1,202 events) still prove that replay of a long
     * history is right; the cache-on test runs the full 5,100.
     */
    @Override
    protected int sequentialActivities() {
        return 600;
    }
}
