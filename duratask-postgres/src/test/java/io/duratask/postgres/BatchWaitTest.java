package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.completion;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.WorkItemLease;
import io.duratask.testkit.conformance.SpiFixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A caller whose work another leader took into the batch it is running waits for that batch without burning
 * CPU, even when a second leader permit is free. It used to retry leading in a loop until the batch was
 * published; on a two-core machine two such loops on the virtual threads' carriers starved the very threads
 * that were to finish the batch, and everything stopped.
 */
class BatchWaitTest {
    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void aCommitCallerWhoseOperationAnotherLeaderRunsWaitsWithoutSpinning() throws Exception {
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options().commitConnections(2).build())) {
            CommitBatcher batcher = provider.batcher();
            CountDownLatch queued = new CountDownLatch(1);
            CountDownLatch lead = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            batcher.beforeLeading(() -> {
                if (Thread.currentThread().getName().equals("follower")) {
                    queued.countDown();
                    await(lead); // the other caller's batch takes our operation meanwhile
                }
            });
            Thread follower = Thread.ofPlatform().name("follower").start(() -> batcher.execute("follower", c -> null));
            await(queued);
            Thread leader = Thread.ofPlatform().name("leader").start(() -> batcher.execute("leader", c -> {
                await(finish); // the batch [follower, leader] stays open
                return null;
            }));
            Awaitility.await().until(() -> batcher.queued() == 0 && batcher.stats().operations() == 2);
            lead.countDown(); // the follower now finds a free permit and an empty queue

            long spent = cpuDuring(follower, Duration.ofSeconds(1));
            finish.countDown();
            follower.join(Duration.ofSeconds(20));
            leader.join(Duration.ofSeconds(20));
            assertThat(follower.isAlive()).isFalse();
            assertThat(Duration.ofNanos(spent)).as("CPU of a caller waiting 1 s for another leader's batch")
                    .isLessThan(Duration.ofMillis(100));
        }
    }

    @Test
    void aCompletionCallerWhoseCompletionAnotherLeaderStoresWaitsWithoutSpinning() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).commitConnections(2).build());
             Connection blocker = PgServer.get().connect()) {
            Map<String, WorkItemLease> leases = new HashMap<>();
            for (String id : new String[] {"f", "l"}) {
                provider.createInstance(start(id, "Work"));
                OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
                provider.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act"));
            }
            for (int i = 0; i < 2; i++) {
                WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
                leases.put(lease.item().instanceId(), lease);
            }
            // the statement storing both completions waits for this row lock on the leader's work item
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("SELECT 1 FROM \"" + schema + "\".work_items WHERE id = "
                        + ((WorkQueue.Receipt) leases.get("l").receipt()).rowId() + " FOR UPDATE");
            }
            CompletionBatcher batcher = provider.completionBatcher();
            CountDownLatch queued = new CountDownLatch(1);
            CountDownLatch lead = new CountDownLatch(1);
            batcher.beforeLeading(() -> {
                if (Thread.currentThread().getName().equals("follower")) {
                    queued.countDown();
                    await(lead);
                }
            });
            Thread follower = Thread.ofPlatform().name("follower").start(() -> complete(provider, leases.get("f")));
            await(queued);
            Thread leader = Thread.ofPlatform().name("leader").start(() -> complete(provider, leases.get("l")));
            Awaitility.await().until(() -> batcher.queued() == 0 && batcher.stats().batches() == 1);
            lead.countDown();

            long spent = cpuDuring(follower, Duration.ofSeconds(1));
            blocker.rollback();
            follower.join(Duration.ofSeconds(20));
            leader.join(Duration.ofSeconds(20));
            assertThat(follower.isAlive()).isFalse();
            assertThat(Duration.ofNanos(spent)).as("CPU of a caller waiting 1 s for another leader's statement")
                    .isLessThan(Duration.ofMillis(100));
            assertThat(provider.queueDepths().workItems()).as("both completions stored").isZero();
        }
    }

    private static void complete(PostgresProvider provider, WorkItemLease lease) {
        provider.completeWorkItem(lease, completion(lease.item().instanceId(), lease.item().scheduledId(), "1"));
    }

    private static long cpuDuring(Thread t, Duration d) throws InterruptedException {
        long before = CPU.getThreadCpuTime(t.threadId());
        Thread.sleep(d.toMillis());
        return CPU.getThreadCpuTime(t.threadId()) - before;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
