package io.duratask.testkit;

import io.duratask.RuntimeOptions;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

/** {@link LongHistoryScenarios} with the execution cache off: every turn rebuilds its execution by replay. */
class InMemoryNoCacheLongHistoryScenariosTest extends LongHistoryScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }
}
