package io.duratask.postgres.scenarios;

import io.duratask.postgres.PgServer;
import io.duratask.spi.Provider;
import io.duratask.testkit.VersioningScenarios;

/** {@link VersioningScenarios} on PostgreSQL, each runtime on a fresh schema. */
class PostgresVersioningScenariosTest extends VersioningScenarios {
    @Override
    protected Provider createProvider() {
        return PgServer.get().open();
    }
}
