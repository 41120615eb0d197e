package io.duratask.fs;

import static io.duratask.testkit.conformance.SpiFixtures.appendAndSchedule;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.OrchestrationItem;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers lead group commits on their own threads, and a runtime interrupts its threads when it shuts down;
 * an interrupt closes a {@code FileChannel} in use. The provider's file I/O survives that.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedFileOperationIsRunAgainAndTheInterruptIsKept() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        int result = Io.uninterruptibly(() -> {
            if (attempts.incrementAndGet() < 3) {
                Thread.currentThread().interrupt(); // as the channel would find it
                throw new ClosedByInterruptException();
            }
            assertThat(Thread.currentThread().isInterrupted()).as("the flag is clear while the operation runs").isFalse();
            return 42;
        });
        assertThat(result).isEqualTo(42);
        assertThat(attempts).hasValue(3);
        assertThat(Thread.interrupted()).as("the interrupt is restored for the caller").isTrue();
    }

    @Test
    void anInterruptedCallerStillCommitsAndTheProviderGoesOn() {
        FsOptions options = FsOptions.defaults();
        FsProvider provider = FsProvider.open(dir.resolve("store"), options);
        Thread.currentThread().interrupt();
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(Duration.ofSeconds(30)).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "Work"));
        assertThat(provider.readHistory("i1", 0)).hasSize(2);
        assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();

        provider.createInstance(start("i2", "Greet"));
        assertThat(provider.problems()).isEmpty();
        Snapshot.assertSameAfterReopen(provider, options).close();
    }
}
