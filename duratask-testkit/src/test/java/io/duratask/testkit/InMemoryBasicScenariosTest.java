package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryBasicScenariosTest extends BasicScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
