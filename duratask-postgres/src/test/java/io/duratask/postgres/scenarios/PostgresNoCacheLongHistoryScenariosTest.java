package io.duratask.postgres.scenarios;

import io.duratask.RuntimeOptions;
import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.LongHistoryScenarios;

/** {@link LongHistoryScenarios} on PostgreSQL with the execution cache off: every turn rebuilds its execution by replay. */
class PostgresNoCacheLongHistoryScenariosTest extends LongHistoryScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }

    /** Without the cache every turn reads and replays the whole history: see the SQLite subclass. */
    @Override
    protected int sequentialActivities() {
        return 600;
    }
}
