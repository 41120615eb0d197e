package io.duratask.sqlite.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.testkit.crash.CrashHarness;
import io.duratask.testkit.crash.CrashReport;
import io.duratask.testkit.crash.WorkerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's mode for stores that only one process may open at a time (used by providers without
 * cross-process support): the test touches the store only while no worker runs, and what it asks for
 * meanwhile is done just before the next worker starts.
 */
class UnsharedStoreCrashHarnessTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void startsAndEventsWaitWhileAWorkerRunsAndGoFirstAfterwardsAndTheStoreIsClosedWhileAWorkerRuns() {
        try (CrashHarness h = new CrashHarness(dir, SqliteCrashRecoveryTest.Factory.class, "unshared.db", false, List.of())) {
            h.startInstances(0, 2);
            WorkerProcess first = h.startWorker(null, Map.of());
            h.startInstances(2, 3);
            h.raiseEvents(List.of(0L, 1L, 2L));

            assertThatThrownBy(h::store).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not shared across processes").hasMessageContaining(first.name());
            h.kill(first);
            assertThat(h.store().getInstance("crash-2")).as("held start, not yet done").isEmpty();
            h.startInstances(3, 4); // with no worker running: what was held goes first, in order
            assertThat(h.store().getInstance("crash-2")).as("held start, done before the next action").isPresent();
            h.raiseEvents(List.of(3L));

            CrashReport report = h.finishAndVerify(4);

            assertThat(report.mainInstances()).isEqualTo(4);
            assertThat(h.kills()).isEqualTo(2);
        }
    }
}
