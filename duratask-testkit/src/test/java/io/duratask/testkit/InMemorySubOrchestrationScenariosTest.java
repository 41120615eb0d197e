package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemorySubOrchestrationScenariosTest extends SubOrchestrationScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
