package io.duratask.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.testkit.conformance.ClientOperationsTests;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class ClientOperationsTest extends ClientOperationsTests {
    @TempDir
    Path dir;

    @Override
    protected Provider open(Clock clock) {
        return SqliteProvider.open(dir.resolve("duratask.db"), SqliteOptions.builder().clock(clock).build());
    }

    @Override
    protected void assertClearCommitError(Throwable error) {
        assertThat(error).isInstanceOf(ProviderException.class)
                .hasMessageContaining("commitOrchestrationItem")
                .hasMessageContaining("duratask.db");
    }
}
