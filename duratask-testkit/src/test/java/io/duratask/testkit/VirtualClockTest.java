package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void standsStillUntilMoved() throws Exception {
        VirtualClock clock = new VirtualClock(T0);
        Thread.sleep(5);
        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(new VirtualClock().instant()).isEqualTo(VirtualClock.DEFAULT_START);
    }

    @Test
    void setAdvanceAndAdvanceTo() {
        VirtualClock clock = new VirtualClock(T0);
        assertThat(clock.advance(Duration.ofDays(30))).isEqualTo(T0.plus(Duration.ofDays(30)));
        assertThat(clock.advanceTo(T0)).as("advanceTo never goes back").isEqualTo(T0.plus(Duration.ofDays(30)));
        assertThat(clock.advanceTo(T0.plus(Duration.ofDays(31)))).isEqualTo(T0.plus(Duration.ofDays(31)));
        assertThat(clock.set(T0)).as("set returns the previous time").isEqualTo(T0.plus(Duration.ofDays(31)));
        assertThat(clock.instant()).as("set may go back").isEqualTo(T0);
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.advance(Duration.ZERO)).isEqualTo(T0);
    }

    @Test
    void aZonedViewSharesTheTime() {
        VirtualClock clock = new VirtualClock(T0);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofHours(5));
        assertThat(paris.instant()).isEqualTo(T0.plus(Duration.ofHours(5)));
        ((VirtualClock) paris).advance(Duration.ofHours(1));
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(6)));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        assertThat(paris).isEqualTo(clock.withZone(ZoneId.of("Europe/Paris"))).isNotEqualTo(clock);
    }

    @Test
    void concurrentAdvancesAreNotLost() throws Exception {
        VirtualClock clock = new VirtualClock(T0);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(clock.instant()).isEqualTo(T0.plusMillis(80_000));
    }
}
