package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.ControlScenarios;

/** {@link ControlScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresControlScenariosTest extends ControlScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
