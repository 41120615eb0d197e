package io.duratask.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N virtual threads that each fetch one item, process it and fetch again; idle ones sleep on a
 * {@link WakeSignal}. One of them wakes every idle poll interval to look for work from other processes
 * (and timers); a worker that finds work signals the next, so idle cost stays at one fetch per interval.
 * Used by both dispatchers.
 */
final class WorkerLoop<T> {
    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

    private final String name;
    private final int workers;
    private final Supplier<Optional<T>> fetch;
    private final Consumer<T> process;
    private final WakeSignal signal;
    private final Duration idlePoll;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    WorkerLoop(String name, int workers, Supplier<Optional<T>> fetch, Consumer<T> process, WakeSignal signal,
               Duration idlePoll) {
        this.name = name;
        this.workers = workers;
        this.fetch = fetch;
        this.process = process;
        this.signal = signal;
        this.idlePoll = idlePoll;
    }

    void start() {
        running = true;
        for (int i = 0; i < workers; i++) {
            // worker 0 polls the store when idle; the others sleep until a signal (a found item cascades)
            Duration idle = i == 0 ? idlePoll : idlePoll.multipliedBy(20);
            threads.add(Thread.ofVirtual().name(name + "-" + i).start(() -> run(idle)));
        }
    }

    private void run(Duration idle) {
        long failures = 0;
        while (running) {
            try {
                Optional<T> item = fetch.get();
                if (item.isEmpty()) {
                    signal.await(idle);
                    continue;
                }
                signal.signal(); // more may be waiting: let another worker look
                process.accept(item.get());
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failures++;
                log.warn("{}: {} (retrying)", name, e.toString(), failures == 1 ? e : null);
                sleepQuietly(Math.min(1000, 10L << Math.min(failures, 6)));
            }
        }
    }

    /** Stops fetching; waits up to {@code timeout} for items in progress. True if all finished. */
    boolean stop(Duration timeout) {
        running = false;
        signal.signalAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    all = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (!all) {
            // interrupt what is left, and give it a moment to hand its work back (abandon) before the
            // provider closes; otherwise its locks only expire after the lock timeout
            threads.forEach(Thread::interrupt);
            long grace = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            for (Thread t : threads) {
                long left = grace - System.nanoTime();
                try {
                    if (left > 0) {
                        t.join(Duration.ofNanos(left));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return all;
    }

    boolean isRunning() {
        return running;
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
