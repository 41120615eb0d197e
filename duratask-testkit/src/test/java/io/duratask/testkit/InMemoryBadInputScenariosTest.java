package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryBadInputScenariosTest extends BadInputScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
