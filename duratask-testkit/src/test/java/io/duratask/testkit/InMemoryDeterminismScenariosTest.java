package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryDeterminismScenariosTest extends DeterminismScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
