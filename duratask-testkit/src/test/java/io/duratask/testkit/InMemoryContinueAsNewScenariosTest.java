package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryContinueAsNewScenariosTest extends ContinueAsNewScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
