package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who wakes whom in a {@link WorkerLoop}: announced work costs one fetch, unannounced work spreads. */
@Timeout(60)
class WorkerLoopTest {
    private static final int WORKERS = 3;

    private final ConcurrentLinkedQueue<Runnable> store = new ConcurrentLinkedQueue<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final WakeSignal signal = new WakeSignal(WORKERS);
    private WorkerLoop<Runnable> loop;

    private void start(Duration idlePoll) {
        loop = new WorkerLoop<>("test", WORKERS, () -> {
            fetches.incrementAndGet();
            return Optional.ofNullable(store.poll());
        }, Runnable::run, signal, new Slots(WORKERS), idlePoll);
        loop.start();
        awaitAllIdle();
    }

    private void awaitAllIdle() {
        await().atMost(Duration.ofSeconds(30)).until(() -> signal.waiting() == WORKERS);
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void announcedWorkIsFetchedOnceAndWakesNobodyElse() {
        start(Duration.ofMinutes(5));
        int afterStart = fetches.get();
        CountDownLatch done = new CountDownLatch(1);

        store.add(done::countDown);
        signal.signal();
        await().atMost(Duration.ofSeconds(30)).until(() -> done.getCount() == 0);
        awaitAllIdle();

        assertThat(fetches.get() - afterStart).as("the fetch that found it, and the worker's next fetch").isEqualTo(2);
    }

    @Test
    void aBurstWakesOneWorkerPerItem() throws Exception {
        start(Duration.ofMinutes(5));
        CountDownLatch allRunning = new CountDownLatch(WORKERS);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < WORKERS; i++) {
            store.add(() -> {
                allRunning.countDown();
                awaitQuietly(release);
            });
        }
        signal.signal(WORKERS);

        assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void unannouncedWorkFoundByTheIdlePollerSpreadsToEveryWorker() throws Exception {
        // the idle poller looks every 200 ms; the other workers only every 4 s (20 times as long)
        start(Duration.ofMillis(200));
        CountDownLatch allRunning = new CountDownLatch(WORKERS);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < WORKERS; i++) {
            store.add(() -> {
                allRunning.countDown();
                awaitQuietly(release);
            });
        }

        // nobody signals: the poller finds one item and probes a sibling, which finds the next, and so on
        assertThat(allRunning.await(3, TimeUnit.SECONDS)).as("all running before the siblings' own idle polls")
                .isTrue();
        release.countDown();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
