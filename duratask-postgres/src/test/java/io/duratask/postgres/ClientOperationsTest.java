package io.duratask.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.testkit.conformance.ClientOperationsTests;
import java.time.Clock;

class ClientOperationsTest extends ClientOperationsTests {
    @Override
    protected Provider open(Clock clock) {
        return PostgresProvider.open(PgServer.get().options().clock(clock).build());
    }

    @Override
    protected void assertClearCommitError(Throwable error) {
        assertThat(error).isInstanceOf(ProviderException.class)
                .hasMessageContaining("commitOrchestrationItem")
                .hasMessageContaining("schema " + ((PostgresProvider) provider).options().schema());
    }
}
