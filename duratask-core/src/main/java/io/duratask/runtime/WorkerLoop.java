package io.duratask.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N virtual threads that each take a {@link Slots slot}, fetch one item, process it and fetch again while
 * fetches find work; idle ones sleep on a {@link WakeSignal}. One of them wakes every idle poll interval to
 * look for work from other processes (and timers).
 *
 * <p><b>Who wakes whom.</b> Whoever enqueues work in this process signals once per unit of work, so a
 * worker woken by such an announcement answers it with its fetch and wakes nobody. A worker that finds work
 * nobody announced (the idle poller, a worker woken by a probe, or one still fetching after its last item)
 * probes a sibling, because more may be waiting: a backlog from another process spreads to as many workers
 * as it needs, while one message on an idle system costs one fetch (and the worker's next fetch after it).
 *
 * <p>The loop also runs the threads of work handed straight to this process ({@link #spawn}), so that
 * {@link #stop} waits for (and if need be interrupts) them too. Used by both dispatchers.
 */
final class WorkerLoop<T> {
    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

    private final String name;
    private final int workers;
    private final Supplier<Optional<T>> fetch;
    private final Consumer<T> process;
    private final WakeSignal signal;
    private final Slots slots;
    private final Duration idlePoll;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Thread> spawned = ConcurrentHashMap.newKeySet();
    /** Orders {@link #spawn} against {@link #stop}: nothing is spawned after stop took its snapshot. */
    private final ReentrantLock spawning = new ReentrantLock();
    private volatile boolean running;

    WorkerLoop(String name, int workers, Supplier<Optional<T>> fetch, Consumer<T> process, WakeSignal signal,
               Slots slots, Duration idlePoll) {
        this.name = name;
        this.workers = workers;
        this.fetch = fetch;
        this.process = process;
        this.signal = signal;
        this.slots = slots;
        this.idlePoll = idlePoll;
    }

    void start() {
        running = true;
        for (int i = 0; i < workers; i++) {
            // worker 0 polls the store when idle; the others sleep until a signal
            Duration idle = i == 0 ? idlePoll : idlePoll.multipliedBy(20);
            threads.add(Thread.ofVirtual().name(name + "-" + i).start(() -> run(idle)));
        }
    }

    private void run(Duration idle) {
        long failures = 0;
        boolean announced = false; // woken for announced work, which the next fetch answers
        while (running) {
            try {
                slots.acquire();
                try {
                    if (!running) {
                        return; // stopped while waiting for a slot
                    }
                    Optional<T> item = fetch.get();
                    if (item.isPresent()) {
                        if (!announced) {
                            signal.probe(); // found work nobody announced: more may be waiting, let a sibling look
                        }
                        announced = false;
                        process.accept(item.get());
                        failures = 0;
                        continue; // keep fetching while fetches find work
                    }
                } finally {
                    slots.release();
                }
                announced = signal.await(idle) == WakeSignal.Wake.ANNOUNCED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failures++;
                announced = false;
                log.warn("{}: {} (retrying)", name, e.toString(), failures == 1 ? e : null);
                sleepQuietly(Math.min(1000, 10L << Math.min(failures, 6)));
            }
        }
    }

    /**
     * Runs {@code work} on a new virtual thread that {@link #stop} waits for; false (and nothing runs) if
     * the loop is stopping.
     */
    boolean spawn(String threadName, Runnable work) {
        spawning.lock();
        try {
            if (!running) {
                return false;
            }
            Thread t = Thread.ofVirtual().name(threadName).unstarted(() -> {
                try {
                    work.run();
                } finally {
                    spawned.remove(Thread.currentThread());
                }
            });
            spawned.add(t);
            t.start();
            return true;
        } finally {
            spawning.unlock();
        }
    }

    /** Stops fetching; waits up to {@code timeout} for items in progress. True if all finished. */
    boolean stop(Duration timeout) {
        spawning.lock();
        try {
            running = false;
        } finally {
            spawning.unlock();
        }
        signal.signalAll();
        List<Thread> all = new ArrayList<>(threads);
        all.addAll(spawned);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        for (Thread t : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 ? t.isAlive() : !t.join(Duration.ofNanos(left))) {
                    clean = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (!clean) {
            // interrupt what is left, and give it a moment to hand its work back (abandon) before the
            // provider closes; otherwise its locks only expire after the lock timeout
            all.forEach(Thread::interrupt);
            long grace = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            for (Thread t : all) {
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
        return clean;
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
