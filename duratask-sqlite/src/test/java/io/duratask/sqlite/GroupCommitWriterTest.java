package io.duratask.sqlite;

import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import io.duratask.spi.WorkItemLease;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void onlyBatchesWithTurnsOrClientOperationsAreDurable() {
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
    void aDeferredCreationIsMadeDurableByTheNextSyncedBatchOrBySyncingItself() {
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("deferred.db"))) {
            long durable = provider.writerStats().durableBatches();
            OrchestrationItem item = provider.createInstanceAndLockDeferred(start("d1", "Greet"), LOCK).orElseThrow();
            assertThat(provider.writerStats().durableBatches()).as("the creation is not synced yet").isEqualTo(durable);

            provider.commitOrchestrationItem(item, appendOnly(item));
            provider.awaitDurable(Duration.ofSeconds(30)); // returns at once: the turn's synced commit came later
            assertThat(provider.writerStats().durableBatches()).as("the turn's commit made it durable")
                    .isEqualTo(durable + 1);

            provider.createInstanceAndLockDeferred(start("d2", "Greet"), LOCK).orElseThrow();
            provider.awaitDurable(Duration.ofMillis(1));
            assertThat(provider.writerStats().durableBatches()).as("nothing else came: a synced batch of its own")
                    .isEqualTo(durable + 2);
        }
        try (SqliteProvider reopened = SqliteProvider.open(dir.resolve("deferred.db"))) {
            assertThat(reopened.getInstance("d2")).isPresent();
        }
    }

    @Test
    void atNormalAwaitingDurabilitySyncsNothing() {
        SqliteOptions options = SqliteOptions.builder().synchronous(SqliteOptions.Synchronous.NORMAL).build();
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("normal.db"), options)) {
            provider.createInstanceAndLockDeferred(start("n1", "Greet"), LOCK).orElseThrow();
            long batches = provider.writerStats().batches();
            provider.awaitDurable(Duration.ofSeconds(30));
            assertThat(provider.writerStats().batches()).isEqualTo(batches);
        }
    }

    @Test
    void theLogIsCopiedIntoTheDatabaseFileInTheBackground() throws Exception {
        Path file = dir.resolve("checkpoint.db");
        SqliteOptions options = SqliteOptions.builder().checkpointInterval(Duration.ofMillis(1)).build();
        try (SqliteProvider provider = SqliteProvider.open(file, options)) {
            long before = java.nio.file.Files.size(file);
            for (int i = 0; i < 200; i++) {
                provider.createInstance(start("c" + i, "Greet"));
            }
            // each write after the interval asks for a checkpoint; one of them copies the log into the file
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                provider.createInstance(start("c-" + System.nanoTime(), "Greet"));
                assertThat(java.nio.file.Files.size(file)).isGreaterThan(before);
            });
        }
        try (SqliteProvider reopened = SqliteProvider.open(file)) {
            assertThat(reopened.getInstance("c199")).isPresent();
        }
    }

    @Test
    void theLogStartsOverUnderContinuousWritesSoThatCommitsOverwriteInsteadOfGrowingTheFile() throws Exception {
        Path file = dir.resolve("restart.db");
        Path log = dir.resolve("restart.db-wal");
        SqliteOptions options = SqliteOptions.builder().checkpointInterval(Duration.ofMillis(20)).build();
        try (SqliteProvider provider = SqliteProvider.open(file, options)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String prefix = "w" + w + "-";
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        provider.createInstance(start(prefix + i, "Greet"));
                    }
                }));
            }
            try {
                // a checkpoint that copied the whole log lets the next write start the log over, which bumps
                // the checkpoint sequence number in the log's header; with writers that never pause, a
                // checkpoint in the background never catches up with them unless it holds them off briefly
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(logCheckpointSequence(log)).isGreaterThanOrEqualTo(3));
            } finally {
                stop.set(true);
                for (Thread t : writers) {
                    t.join();
                }
            }
        }
    }

    @Test
    void theLogIsWrittenOutWhenTheWriterOpensAndItsZerosAreNeverReadAsData() throws Exception {
        Path file = dir.resolve("allocated.db");
        Path log = Connections.logFile(file);
        try (SqliteProvider provider = SqliteProvider.open(file)) {
            assertThat(java.nio.file.Files.size(log)).isEqualTo(Connections.LOG_ALLOCATION);
            provider.createInstance(start("a1", "Greet"));
            assertThat(java.nio.file.Files.size(log)).as("the commit overwrote zeros")
                    .isEqualTo(Connections.LOG_ALLOCATION);
            // a copy taken now is what a crash leaves: a log of frames, then zeros, not yet copied into the file
            java.nio.file.Files.copy(file, dir.resolve("crashed.db"));
            java.nio.file.Files.copy(log, Connections.logFile(dir.resolve("crashed.db")));
        }
        try (SqliteProvider recovered = SqliteProvider.open(dir.resolve("crashed.db"))) {
            assertThat(recovered.getInstance("a1")).isPresent();
            recovered.createInstance(start("a2", "Greet"));
            assertThat(recovered.listInstances(InstanceQuery.all()).instances()).hasSize(2);
        }
    }

    @Test
    void aLogThatOutgrowsItsAllocationIsCheckpointedWithoutWaitingForTheInterval() throws Exception {
        Path file = dir.resolve("outgrown.db");
        Path log = Connections.logFile(file);
        SqliteOptions options = SqliteOptions.builder().checkpointInterval(Duration.ofHours(1)).build();
        String input = "\"" + "x".repeat(64 << 10) + "\"";
        try (SqliteProvider provider = SqliteProvider.open(file, options)) {
            // 20 MiB of instances: five times what was written out of the log; without checkpoints it would
            // grow by all of it, since the interval never passes
            for (int i = 0; i < 320; i++) {
                provider.createInstance(io.duratask.spi.OrchestratorMessage.of("big" + i, 1,
                        new io.duratask.history.HistoryEvent.OrchestrationStarted(0, SpiFixtures.T0, "Greet", "1.0",
                                input, null, null)));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(logCheckpointSequence(log)).isGreaterThanOrEqualTo(1));
            assertThat(java.nio.file.Files.size(log)).isLessThan(16L << 20);
        }
    }

    /** The checkpoint sequence number in a write-ahead log's header (big-endian, bytes 12-15). */
    private static int logCheckpointSequence(Path log) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(16);
            while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
                // read the first 16 bytes
            }
            return header.remaining() == 0 ? header.getInt(12) : 0;
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

    /** Creates i1, runs its first turn (scheduling "Act") and leases the work item. */
    private static WorkItemLease leaseActivity(SqliteProvider provider) {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act"));
        return provider.fetchWorkItem(LOCK).orElseThrow();
    }

    @Test
    void activityCompletionsAreNotSyncedByDefaultYetSurviveCloseAndReopen() {
        Path file = dir.resolve("completion.db");
        try (SqliteProvider provider = SqliteProvider.open(file)) {
            assertThat(SqliteOptions.defaults().syncActivityCompletions()).isFalse();
            WorkItemLease lease = leaseActivity(provider);
            GroupCommitWriter.Stats before = provider.writerStats();

            provider.completeWorkItem(lease, SpiFixtures.completion("i1", lease.item().scheduledId(), "\"done\""));

            GroupCommitWriter.Stats after = provider.writerStats();
            assertThat(after.batches()).isEqualTo(before.batches() + 1);
            assertThat(after.durableBatches()).as("a completion alone is committed without fsync")
                    .isEqualTo(before.durableBatches());
        }
        try (SqliteProvider reopened = SqliteProvider.open(file)) {
            assertThat(reopened.fetchWorkItem(LOCK)).as("the completed work item stays deleted").isEmpty();
            OrchestrationItem next = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
            assertThat(next.messages()).singleElement().satisfies(m ->
                    assertThat(m.event()).isInstanceOfSatisfying(ActivityCompleted.class,
                            c -> assertThat(c.result()).isEqualTo("\"done\"")));
        }
    }

    @Test
    void syncActivityCompletionsMakesEachCompletionADurableBatch() {
        SqliteOptions options = SqliteOptions.builder().syncActivityCompletions(true).build();
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("synced.db"), options)) {
            WorkItemLease lease = leaseActivity(provider);
            long durable = provider.writerStats().durableBatches();

            provider.completeWorkItem(lease, SpiFixtures.completion("i1", lease.item().scheduledId(), "1"));

            assertThat(provider.writerStats().durableBatches()).isEqualTo(durable + 1);
        }
        assertThat(options.toBuilder().build().syncActivityCompletions()).isTrue();
    }

    /**
     * An operation alone in its batch runs without a savepoint; when it fails halfway (here: the commit
     * released the lock, then an event insert broke the history's primary key) the whole transaction is
     * rolled back, so nothing of it stays: the lock is still held and the history is empty.
     */
    @Test
    void anOperationThatFailsAloneInItsBatchLeavesNothingBehind() {
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("alone.db"))) {
            provider.createInstance(start("i1", "Greet"));
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            io.duratask.spi.TurnCommit good = appendOnly(item);
            io.duratask.history.HistoryEvent first = good.newEvents().get(0);
            io.duratask.spi.TurnCommit broken = new io.duratask.spi.TurnCommit(good.executionId(),
                    List.of(first, first), good.workItems(), good.messages(), good.update());
            long batches = provider.writerStats().batches();

            assertThatThrownBy(() -> provider.commitOrchestrationItem(item, broken))
                    .isInstanceOf(ProviderException.class);

            assertThat(provider.writerStats().batches()).as("one batch, the commit alone").isEqualTo(batches + 1);
            assertThat(provider.readHistory("i1", 0)).isEmpty();
            assertThat(provider.renewOrchestrationLock(item, LOCK)).as("the lock release was rolled back").isTrue();
            provider.commitOrchestrationItem(item, good);
            assertThat(provider.readHistory("i1", 0)).hasSize(1);
        }
    }

    @Test
    void callersArrivingDuringACommitShareTheNextBatch() throws Exception {
        int n = 200;
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("shared.db"))) {
            GroupCommitWriter.Stats before = provider.writerStats();
            runAtOnce(n, i -> provider.createInstance(start("i" + i, "Greet")));
            GroupCommitWriter.Stats after = provider.writerStats();

            assertThat(after.operations() - before.operations()).isEqualTo(n);
            assertThat(after.batches() - before.batches()).as("batches for %d concurrent creations", n).isLessThan(n);
            assertThat(provider.listInstances(InstanceQuery.all().withPageSize(1000)).instances()).hasSize(n);
        }
    }

    @Test
    void aLeaderRunsAsManyBatchesAsItTakesToReachItsOwnOperation() throws Exception {
        int n = 50;
        SqliteOptions options = SqliteOptions.builder().maxBatchSize(1).build();
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("small.db"), options)) {
            GroupCommitWriter.Stats before = provider.writerStats();
            runAtOnce(n, i -> provider.createInstance(start("i" + i, "Greet")));
            GroupCommitWriter.Stats after = provider.writerStats();

            assertThat(after.batches() - before.batches()).isEqualTo(n);
            assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(n);
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForItsOutcomeAndKeepsTheInterrupt() throws Exception {
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("interrupt.db"))) {
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread caller = Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                provider.createInstance(start("i1", "Greet"));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            caller.join();
            assertThat(stillInterrupted).isTrue();
            assertThat(provider.getInstance("i1")).isPresent();
        }
    }

    /**
     * Races a few callers over and over so that some enqueue just as a leader gives up leadership: every
     * call must return (none is left in the queue with nobody leading).
     */
    @Test
    void noOperationIsStrandedWhenCallersRaceForLeadership() throws Exception {
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("race.db"))) {
            for (int round = 0; round < 1500; round++) {
                int r = round;
                runAtOnce(4, i -> {
                    if (i == 0 && r % 10 == 0) {
                        provider.createInstance(start("i" + r, "Greet")); // a durable batch now and then
                    } else {
                        provider.fetchWorkItem(LOCK);
                    }
                });
            }
            assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(150);
        }
    }

    /** Starts {@code n} virtual threads, lets them call at once, and waits for all (failing on a hang). */
    private static void runAtOnce(int n, java.util.function.IntConsumer call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    call.accept(k);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofSeconds(30))).as("a caller returned").isTrue();
        }
        assertThat(failures).isEmpty();
    }
}
