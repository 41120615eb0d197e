package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LockRenewerTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(LockRenewer.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final LockRenewer renewer = new LockRenewer(Duration.ofMillis(30)); // renews every 10 ms

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stop() {
        renewer.stop();
        logger.detachAppender(logged);
    }

    @Test
    void aLockLostWhileTheWorkIsStillHeldIsReportedOnceAndNoLongerRenewed() {
        AtomicInteger calls = new AtomicInteger();
        renewer.hold("work-1", () -> {
            calls.incrementAndGet();
            return false;
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lockLostWarnings() == 1);
        int after = calls.get();
        ticks(3);
        assertThat(calls.get()).as("not renewed after the loss").isEqualTo(after);
        assertThat(lockLostWarnings()).isEqualTo(1);
    }

    @Test
    void aRenewalThatFailsBecauseTheWorkWasReleasedMeanwhileIsNoLostLock() throws Exception {
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        renewer.hold("work-2", () -> {
            renewing.countDown();
            try {
                released.await(); // the work completes (its item is deleted) while this renewal runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        assertThat(renewing.await(10, TimeUnit.SECONDS)).isTrue();
        renewer.release("work-2");
        released.countDown();
        ticks(3);
        assertThat(lockLostWarnings()).isZero();
    }

    /** Waits until the renewer went round {@code n} more times (a probe lease counts its renewals). */
    private void ticks(int n) {
        AtomicInteger probe = new AtomicInteger();
        renewer.hold("probe", () -> probe.incrementAndGet() > 0);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe.get() >= n);
        renewer.release("probe");
    }

    private long lockLostWarnings() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("lock lost"))
                .count();
    }
}
