package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryControlScenariosTest extends ControlScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
