package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;

class InMemoryRaceScenariosTest extends RaceScenarios {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }
}
