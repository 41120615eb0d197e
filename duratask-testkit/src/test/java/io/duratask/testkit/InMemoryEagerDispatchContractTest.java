package io.duratask.testkit;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import java.time.Clock;

class InMemoryEagerDispatchContractTest extends EagerDispatchContract {
    @Override
    protected Provider createProvider(Clock clock) {
        return new InMemoryProvider(clock);
    }
}
