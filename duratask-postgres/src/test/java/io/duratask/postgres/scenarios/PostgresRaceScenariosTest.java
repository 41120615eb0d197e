package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.RaceScenarios;

/** {@link RaceScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresRaceScenariosTest extends RaceScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
