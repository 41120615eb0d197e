package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.BasicScenarios;

/** {@link BasicScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresBasicScenariosTest extends BasicScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
