package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.DeterminismScenarios;

/** {@link DeterminismScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresDeterminismScenariosTest extends DeterminismScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
