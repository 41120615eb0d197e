package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.LongHistoryScenarios;

/** {@link LongHistoryScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresLongHistoryScenariosTest extends LongHistoryScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
