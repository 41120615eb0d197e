package io.duratask.postgres.scenarios;

import io.duratask.RuntimeOptions;
import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.BasicScenarios;

/** {@link BasicScenarios} on PostgreSQL with the execution cache off: every turn rebuilds its execution by replay. */
class PostgresNoCacheBasicScenariosTest extends BasicScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }
}
