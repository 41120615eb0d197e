package io.duratask.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.ClientOperationsTests;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class ClientOperationsTest extends ClientOperationsTests {
    @TempDir
    Path dir;

    @Override
    protected Provider open(Clock clock) {
        return FsProvider.open(dir.resolve("store"), FsOptions.builder().clock(clock).build());
    }

    @Override
    protected void close(Provider provider) {
        Snapshot.assertSameAfterReopen((FsProvider) provider, FsOptions.builder().clock(clock).build()).close();
    }

    @Override
    protected void assertClearCommitError(Throwable error) {
        assertThat(error).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instance 'i1'")
                .hasMessageContaining("(Terminated) has event id 1, but it must be 2");
    }
}
