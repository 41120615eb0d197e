package io.duratask.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.ConcurrencyTests;
import java.util.List;

/** The testkit's concurrency tests on PostgreSQL; two providers on one schema stand for two worker processes. */
class ConcurrencyTest extends ConcurrencyTests {
    @Override
    protected Provider open(String name) {
        return PgServer.get().open();
    }

    @Override
    protected List<Provider> openTwoOnOneStore(String name) {
        String schema = PgServer.freshSchema();
        return List.of(PostgresProvider.open(PgServer.get().options(schema).build()),
                PostgresProvider.open(PgServer.get().options(schema).build()));
    }

    @Override
    protected void checkBatching(Provider provider, int instances) {
        CommitBatcher.Stats stats = ((PostgresProvider) provider).batcherStats();
        assertThat(stats.operations()).isEqualTo(2L * instances); // creations and turn commits
        assertThat(stats.batches()).as("group commit: several operations per transaction")
                .isLessThan(stats.operations() / 2);
    }
}
