package io.duratask.fs.scenarios;

import io.duratask.RuntimeOptions;
import io.duratask.spi.Provider;
import io.duratask.testkit.LongHistoryScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LongHistoryScenarios} with the execution cache off: every turn rebuilds its execution by replay,
 * reading the whole history file. The long execution is shortened to 1,000 activities (2,002 events):
 * with the cache off its cost grows with the square of its length, and the full 10,000-event run is
 * already covered with the cache on ({@link FsLongHistoryScenariosTest}).
 */
class FsNoCacheLongHistoryScenariosTest extends LongHistoryScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }

    @Override
    protected int sequentialActivities() {
        return 1_000;
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }
}
