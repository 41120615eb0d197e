package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryEventScenariosTest extends EventScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
