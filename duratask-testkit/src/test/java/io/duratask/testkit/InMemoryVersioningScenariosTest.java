package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryVersioningScenariosTest extends VersioningScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
