package io.duratask.sqlite;

import static io.duratask.sqlite.Fixtures.appendOnly;
import static io.duratask.sqlite.Fixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void onlyBatchesWithTurnsCompletionsOrClientOperationsAreDurable() {
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("durable.db"))) {
            provider.createInstance(start("i1", "Greet"));
            long durable = provider.writerStats().durableBatches();

            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
            assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
            assertThat(provider.renewOrchestrationLock(item, LOCK)).isTrue();
            provider.abandonOrchestrationItem(item, Duration.ZERO);
            assertThat(provider.writerStats().durableBatches()).as("lock operations only").isEqualTo(durable);

            OrchestrationItem again = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            provider.commitOrchestrationItem(again, appendOnly(again));
            assertThat(provider.writerStats().durableBatches()).isEqualTo(durable + 1);
        }
    }

    @Test
    void aFileLockedByAnotherConnectionFailsAsRetryableAfterTheBusyTimeout() throws Exception {
        Path file = dir.resolve("busy.db");
        SqliteOptions options = SqliteOptions.builder().busyTimeout(Duration.ofMillis(50)).build();
        try (SqliteProvider provider = SqliteProvider.open(file, options);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");

            assertThatThrownBy(() -> provider.createInstance(start("i1", "Greet")))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining(file.toString())
                    .satisfies(e -> assertThat(((ProviderException) e).isRetryable()).isTrue());
            assertThat(provider.getInstance("i1")).as("reads go on while another connection writes").isEmpty();

            st.execute("ROLLBACK");
            provider.createInstance(start("i1", "Greet"));
            assertThat(provider.getInstance("i1")).isPresent();
        }
    }

    @Test
    void closeRunsWhatWasAlreadySubmitted() throws Exception {
        SqliteProvider provider = SqliteProvider.open(dir.resolve("drain.db"));
        int n = 100;
        java.util.Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] callers = new Thread[n];
        for (int i = 0; i < n; i++) {
            String id = "i" + i;
            callers[i] = Thread.ofVirtual().start(() -> {
                try {
                    provider.createInstance(start(id, "Greet"));
                    created.add(id);
                } catch (ProviderException closed) {
                    // submitted after close: refused, never half-done
                }
            });
        }
        provider.close();
        for (Thread t : callers) {
            t.join();
        }
        try (SqliteProvider reopened = SqliteProvider.open(dir.resolve("drain.db"))) {
            for (String id : created) {
                assertThat(reopened.getInstance(id)).as("instance %s, whose creation returned", id).isPresent();
            }
            long stored = reopened.listInstances(io.duratask.spi.InstanceQuery.all()).instances().size();
            assertThat(reopened.queueDepths().orchestratorVisible()).isEqualTo(stored);
        }
    }
}
