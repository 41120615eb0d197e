package io.duratask.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Several workers fetch and commit turns at once, each through its own provider object (or all through
 * one), while a producer keeps sending events. Checks the one-turn-per-instance rule twice: no worker may
 * fetch an instance another worker holds, and every history must end up with each message exactly once,
 * in the order sent, with consecutive event ids.
 */
final class ConcurrentTurns {
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    private ConcurrentTurns() {}

    static void run(Provider admin, List<Provider> workers, int instances, int eventsPerInstance) throws InterruptedException {
        for (int i = 0; i < instances; i++) {
            admin.createInstance(Messages.start(id(i), "Race"));
        }
        int expectedMessages = instances * (eventsPerInstance + 1);
        AtomicInteger processed = new AtomicInteger();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        List<String> violations = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();

        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().name("conformance-producer").start(() -> {
            try {
                for (int k = 1; k <= eventsPerInstance; k++) {
                    for (int i = 0; i < instances; i++) {
                        admin.enqueue(Messages.event(id(i), "e", Integer.toString(k)));
                    }
                }
            } catch (RuntimeException e) {
                violations.add("producer failed: " + e);
            }
        }));
        for (int w = 0; w < workers.size(); w++) {
            Provider p = workers.get(w);
            threads.add(Thread.ofPlatform().name("conformance-worker-" + w).start(() -> {
                while (processed.get() < expectedMessages && System.nanoTime() < deadline && violations.size() < 10) {
                    try {
                        Optional<OrchestrationItem> fetched = p.fetchOrchestrationItem(ContractSupport.LOCK);
                        if (fetched.isEmpty()) {
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                            continue;
                        }
                        OrchestrationItem item = fetched.get();
                        if (!inFlight.add(item.instanceId())) {
                            violations.add(item.instanceId() + " was fetched while another worker held it");
                        }
                        Thread.yield(); // widen the window in which a second fetch of the instance would show
                        inFlight.remove(item.instanceId());
                        p.commitOrchestrationItem(item, Turn.of(item).commit());
                        processed.addAndGet(item.messages().size());
                    } catch (RuntimeException e) {
                        violations.add(Thread.currentThread().getName() + " failed: " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis() + 5_000);
        }

        assertThat(violations).as("violations of one turn per instance").isEmpty();
        assertThat(processed.get()).as("messages processed before the deadline").isEqualTo(expectedMessages);
        for (int i = 0; i < instances; i++) {
            List<HistoryEvent> history = admin.readHistory(id(i), 0);
            List<String> received = new ArrayList<>();
            for (int e = 0; e < history.size(); e++) {
                assertThat(history.get(e).eventId()).as("event id at position %d of %s", e, id(i)).isEqualTo(e + 1L);
                if (history.get(e) instanceof EventRaised raised) {
                    received.add(raised.data());
                }
            }
            assertThat(history.getFirst()).as("first event of " + id(i)).isInstanceOf(OrchestrationStarted.class);
            List<String> sent = new ArrayList<>();
            for (int k = 1; k <= eventsPerInstance; k++) {
                sent.add(Integer.toString(k));
            }
            assertThat(received).as("events of %s: each exactly once, in the order sent", id(i)).isEqualTo(sent);
        }
    }

    private static String id(int i) {
        return "race-" + i;
    }
}
