package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.ContinueAsNewScenarios;

/** {@link ContinueAsNewScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresContinueAsNewScenariosTest extends ContinueAsNewScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
