package io.duratask.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the locks of work still in progress (long activities, slow turns) every third of the lock
 * timeout, from one virtual thread.
 */
final class LockRenewer {
    private static final Logger log = LoggerFactory.getLogger(LockRenewer.class);

    private final Map<Object, BooleanSupplier> leases = new ConcurrentHashMap<>();
    private final Duration period;
    private final Thread thread;
    private volatile boolean running = true;

    LockRenewer(Duration lockTimeout) {
        this.period = lockTimeout.dividedBy(3);
        this.thread = Thread.ofVirtual().name("duratask-lock-renewer").start(this::run);
    }

    /** Renews with {@code renew} until {@link #release}; {@code renew} returns false once the lock is lost. */
    void hold(Object key, BooleanSupplier renew) {
        leases.put(key, renew);
    }

    void release(Object key) {
        leases.remove(key);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            leases.forEach((key, renew) -> {
                try {
                    // a renewal that fails because the work was released meanwhile (done) lost nothing
                    if (!renew.getAsBoolean() && leases.remove(key, renew)) {
                        log.warn("lock lost while working on {}", key);
                    }
                } catch (RuntimeException e) {
                    log.warn("lock renewal failed for {}: {}", key, e.toString());
                }
            });
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
