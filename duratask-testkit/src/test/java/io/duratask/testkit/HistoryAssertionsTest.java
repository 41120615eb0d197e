package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.FailureDetails;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.TimerCreated;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The run-to-run comparison used by the cache on/off scenario. */
class HistoryAssertionsTest {
    private static List<HistoryEvent> run(Instant t, String uuid, String activity) {
        return List.of(
                new OrchestrationStarted(1, t, "O", "", "\"in\"", null, null),
                new SideEffectRecorded(2, t, "uuid", uuid),
                new SideEffectRecorded(3, t, "now", t.toString()),
                new SideEffectRecorded(4, t, "user:flag", "true"),
                new TimerCreated(5, t, t.plusSeconds(5)),
                new SubOrchestrationScheduled(6, t, "Child", "parent-" + uuid + ":1:6", "1"),
                new ActivityScheduled(7, t, activity, "\"x\""),
                new ActivityFailed(8, t, 7, FailureDetails.of(new IllegalStateException("no"))));
    }

    @Test
    void timestampsRecordedRandomValuesUuidsAndStackTracesAreIgnored() {
        List<HistoryEvent> a = run(Instant.parse("2030-01-01T00:00:00Z"), UUID.randomUUID().toString(), "A");
        List<HistoryEvent> b = run(Instant.parse("2031-05-05T10:00:00Z"), UUID.randomUUID().toString(), "A");

        HistoryAssertions.assertSameHistory("two runs", a, b);
        assertThat(HistoryAssertions.normalized(a.get(5)))
                .isEqualTo(new SubOrchestrationScheduled(6, null, "Child", "parent-<uuid>:1:6", "1"));
        assertThat(((ActivityFailed) HistoryAssertions.normalized(a.get(7))).failure().stackTrace()).isNull();
    }

    @Test
    void aDifferentDecisionIsReportedAtItsPosition() {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        List<HistoryEvent> a = run(t, UUID.randomUUID().toString(), "A");
        List<HistoryEvent> b = run(t, UUID.randomUUID().toString(), "B");

        assertThatThrownBy(() -> HistoryAssertions.assertSameHistory("two runs", a, b))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("two runs: histories differ at position 7")
                .hasMessageContaining("name=A").hasMessageContaining("name=B");
        assertThatThrownBy(() -> HistoryAssertions.assertSameHistory("two runs", a, a.subList(0, 6)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("histories have 8 and 6 events (the first 6 agree)");
        List<HistoryEvent> userValue = List.of(new SideEffectRecorded(4, t, "user:flag", "false"));
        assertThatThrownBy(() -> HistoryAssertions.assertSameHistory("user side effects count",
                List.of(a.get(3)), userValue)).isInstanceOf(AssertionError.class);
    }
}
