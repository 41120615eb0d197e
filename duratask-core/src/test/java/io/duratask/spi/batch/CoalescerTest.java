package io.duratask.spi.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.spi.LockLostException;
import io.duratask.spi.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    private static final class Doubling extends Coalescer.Request<Integer> {
        final int input;

        Doubling(int input) {
            this.input = input;
        }
    }

    /** A coalescer whose batches double each input (or do what {@code outcome} says), taking 1 ms each. */
    private static final class Owner {
        final Coalescer<Doubling> coalescer;
        final AtomicInteger batches = new AtomicInteger();
        final List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        final Function<Doubling, RuntimeException> outcome;

        Owner(int leaders, Function<Doubling, RuntimeException> outcome) {
            this.coalescer = new Coalescer<>(leaders, this::runBatch);
            this.outcome = outcome;
        }

        int submit(int input) {
            Doubling d = new Doubling(input);
            coalescer.add(d);
            return coalescer.await(d);
        }

        private boolean runBatch() {
            List<Doubling> batch = new ArrayList<>();
            for (Doubling d; batch.size() < 64 && (d = coalescer.poll()) != null; ) {
                batch.add(d);
            }
            if (batch.isEmpty()) {
                return false;
            }
            batches.incrementAndGet();
            sizes.add(batch.size());
            sleepQuietly(1);
            for (Doubling d : batch) {
                RuntimeException e = outcome.apply(d);
                if (e != null) {
                    d.fail(e);
                } else {
                    d.succeed(d.input * 2);
                }
                d.publish();
            }
            return true;
        }
    }

    @Test
    void concurrentCallersShareBatchesAndEachGetsItsOwnOutcome() throws Exception {
        for (int leaders : new int[] {1, 3}) {
            Owner owner = new Owner(leaders, d -> null);
            int threads = 8;
            int each = 100;
            ConcurrentHashMap<Integer, Integer> results = new ConcurrentHashMap<>();
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                callers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) {
                        results.put(base + i, owner.submit(base + i));
                    }
                }));
            }
            for (Thread t : callers) {
                t.join();
            }
            assertThat(results).hasSize(threads * each);
            results.forEach((input, output) -> assertThat(output).isEqualTo(input * 2));
            assertThat(owner.batches.get()).as("callers that came while a batch ran shared the next one")
                    .isLessThan(threads * each / 2);
            assertThat(owner.coalescer.queued()).isZero();
        }
    }

    @Test
    void aFailureSharedByTheBatchIsRethrownWithTheCallersStackAndAnOwnRefusalAsItIs() {
        ProviderException shared = new ProviderException("the store is down", true);
        LockLostException own = new LockLostException("instance 'x'");
        Owner owner = new Owner(1, d -> d.input == 1 ? shared : own);

        assertThatThrownBy(() -> owner.submit(1)).isInstanceOf(ProviderException.class).isNotSameAs(shared)
                .hasMessage("the store is down").hasCause(shared)
                .satisfies(e -> assertThat(((ProviderException) e).isRetryable()).isTrue());
        assertThatThrownBy(() -> owner.submit(2)).isSameAs(own);
    }

    @Test
    void whileLeadingNoBatchRunsAndTheWaitingCallerLeadsAfterwards() throws Exception {
        Owner owner = new Owner(1, d -> null);
        CountDownLatch leading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> owner.coalescer.whileLeading(() -> {
            leading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertThat(leading.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Integer> result = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> result.set(owner.submit(21)));
        Thread.sleep(50);
        assertThat(owner.batches.get()).as("held off").isZero();
        assertThat(owner.coalescer.queued()).isEqualTo(1);

        release.countDown();
        holder.join();
        caller.join(10_000);
        assertThat(result.get()).isEqualTo(42);
        assertThat(owner.batches.get()).isEqualTo(1);
    }

    @Test
    void drainRunsWhatIsQueuedAndAnInterruptedCallerStillGetsItsOutcome() throws Exception {
        Owner owner = new Owner(1, d -> null);
        Doubling queued = new Doubling(5);
        owner.coalescer.add(queued);
        owner.coalescer.drain();
        assertThat(queued.isDone()).isTrue();
        assertThat(queued.outcome()).isEqualTo(10);

        AtomicReference<Integer> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt();
            result.set(owner.submit(7));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.join(10_000);
        assertThat(result.get()).isEqualTo(14);
        assertThat(stillInterrupted.get()).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void atLeastOneLeader() {
        assertThatThrownBy(() -> new Coalescer<Doubling>(0, () -> false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaders");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
