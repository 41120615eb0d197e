package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.EventScenarios;

/** {@link EventScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresEventScenariosTest extends EventScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
