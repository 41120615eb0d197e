package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.SubOrchestrationScenarios;

/** {@link SubOrchestrationScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresSubOrchestrationScenariosTest extends SubOrchestrationScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
