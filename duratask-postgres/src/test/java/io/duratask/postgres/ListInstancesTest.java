package io.duratask.postgres;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.ListInstancesTests;
import java.time.Clock;

class ListInstancesTest extends ListInstancesTests {
    @Override
    protected Provider open(Clock clock) {
        return PostgresProvider.open(PgServer.get().options().clock(clock).build());
    }
}
