package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.BadInputScenarios;

/** {@link BadInputScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresBadInputScenariosTest extends BadInputScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
