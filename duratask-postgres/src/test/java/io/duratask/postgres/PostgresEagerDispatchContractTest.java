package io.duratask.postgres;

import io.duratask.spi.Provider;
import io.duratask.testkit.EagerDispatchContract;
import java.time.Clock;

/** The eager-dispatch methods of the PostgreSQL provider against the testkit's contract. */
class PostgresEagerDispatchContractTest extends EagerDispatchContract {
    @Override
    protected Provider createProvider(Clock clock) {
        return PostgresProvider.open(PgServer.get().options().clock(clock).build());
    }
}
