package io.duratask.testkit.conformance;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import java.time.Clock;

/** The in-memory provider through the whole conformance kit. One provider object is its whole store. */
class InMemoryConformanceTest extends ProviderConformanceKit {

    @Override
    protected Provider createProvider(Clock clock) {
        return new InMemoryProvider(clock);
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.none();
    }
}
