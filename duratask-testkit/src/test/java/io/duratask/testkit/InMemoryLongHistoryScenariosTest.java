package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryLongHistoryScenariosTest extends LongHistoryScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
