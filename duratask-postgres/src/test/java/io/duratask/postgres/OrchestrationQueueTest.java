package io.duratask.postgres;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.OrchestrationQueueTests;
import java.time.Clock;

class OrchestrationQueueTest extends OrchestrationQueueTests {
    @Override
    protected Provider open(Clock clock) {
        return PostgresProvider.open(PgServer.get().options().clock(clock).build());
    }
}
