package io.duratask.postgres.conformance;

import io.duratask.postgres.PgServer;
import io.duratask.postgres.PostgresProvider;
import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.Capabilities;
import io.duratask.testkit.conformance.ProviderConformanceKit;
import java.time.Clock;

/** The PostgreSQL provider through the whole conformance kit: a fresh schema per store, shared by a second provider. */
class PostgresConformanceTest extends ProviderConformanceKit {

    @Override
    protected Provider createProvider(Clock clock) {
        return PostgresProvider.open(PgServer.get().options().clock(clock).build());
    }

    @Override
    protected Provider openAnotherProvider(Provider first, Clock clock) {
        String schema = ((PostgresProvider) first).options().schema();
        return PostgresProvider.open(PgServer.get().options(schema).clock(clock).build());
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.all();
    }
}
