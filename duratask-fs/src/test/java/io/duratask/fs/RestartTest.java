package io.duratask.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.spi.Provider;
import io.duratask.testkit.NonClosingProvider;
import io.duratask.testkit.RestartScenarios;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The testkit's restart scenario on a store directory, after an orderly shutdown (which leaves no journal
 * to redo) and after a crash (the provider halted without closing: no final checkpoint, the journal is
 * redone at open).
 */
class RestartTest extends RestartScenarios {
    @Override
    protected Provider open(Path place) {
        return FsProvider.open(place);
    }

    @Override
    protected void afterOrderlyStop(Path place) {
        assertThat(StoreFiles.segments(place)).as("an orderly close leaves no journal to redo").isEmpty();
    }

    @Test
    void instanceCompletesAfterACrashWithoutDuplicateScheduling() {
        Path place = dir.resolve("store");
        FsProvider crashing = FsProvider.open(place);
        DurableRuntime first = DurableRuntime.start(new NonClosingProvider(crashing), registry(), options());
        startAndWaitForTheActivities(first);
        crashing.halt(); // the process dies: nothing more is written, the journal stays for the next open
        assertThat(StoreFiles.segments(place)).isNotEmpty();
        first.shutdown(Duration.ofMillis(200));
        completesAfterRestart(place);
    }
}
