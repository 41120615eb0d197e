package io.duratask.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.duratask.DurataskException;
import io.duratask.FailureDetails;
import io.duratask.history.HistoryEvent.ParentInstance;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The JSON wire form of history is frozen: stored histories must stay readable forever. */
class HistoryCodecTest {
    private static final Instant T = Instant.parse("2026-11-23T10:15:30.123Z");
    private final HistoryCodec codec = new HistoryCodec();

    @Test
    void wireNamesAreFrozen() {
        Set<String> names = Arrays.stream(HistoryEvent.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name).collect(Collectors.toSet());
        assertThat(names).containsExactlyInAnyOrder("OrchestrationStarted", "ActivityScheduled", "ActivityCompleted",
                "ActivityFailed", "TimerCreated", "TimerFired", "EventSubscribed", "EventRaised",
                "SubOrchestrationScheduled", "SubOrchestrationCompleted", "SubOrchestrationFailed",
                "OrchestrationChained", "SideEffectRecorded", "CustomStatusSet", "CancelRequested",
                "OrchestrationCompleted", "OrchestrationFailed", "ContinuedAsNew", "Terminated", "Suspended", "Resumed");
        assertThat(HistoryEvent.class.getPermittedSubclasses()).hasSize(names.size());
    }

    @Test
    void exactJsonOfAnEventIsFrozen() {
        String json = codec.write(new HistoryEvent.ActivityScheduled(2, T, "Charge", "{\"id\":42}"));
        assertThat(json).isEqualTo("{\"type\":\"ActivityScheduled\",\"eventId\":2,\"timestamp\":\"2026-11-23T10:15:30.123Z\","
                + "\"name\":\"Charge\",\"input\":\"{\\\"id\\\":42}\"}");
        String started = codec.write(new HistoryEvent.OrchestrationStarted(1, T, "O", "2", "1",
                new ParentInstance("p", 3, 7), null));
        assertThat(started).isEqualTo("{\"type\":\"OrchestrationStarted\",\"eventId\":1,\"timestamp\":\"2026-11-23T10:15:30.123Z\","
                + "\"name\":\"O\",\"version\":\"2\",\"input\":\"1\",\"parent\":{\"instanceId\":\"p\",\"executionId\":3,"
                + "\"scheduledId\":7},\"traceContext\":null}");
    }

    @Test
    void everyEventTypeRoundTrips() {
        FailureDetails failure = new FailureDetails("x.Boom", "boom", "trace", FailureDetails.of("x.Cause", "c"), true);
        List<HistoryEvent> all = List.of(
                new HistoryEvent.OrchestrationStarted(1, T, "O", "", "\"in\"", null, "00-abc"),
                new HistoryEvent.ActivityScheduled(2, T, "A", "1"),
                new HistoryEvent.ActivityCompleted(3, T, 2, "\"r\""),
                new HistoryEvent.ActivityFailed(4, T, 2, failure),
                new HistoryEvent.TimerCreated(5, T, T.plusSeconds(5)),
                new HistoryEvent.TimerFired(6, T, 5, T.plusSeconds(5)),
                new HistoryEvent.EventSubscribed(7, T, "E"),
                new HistoryEvent.EventRaised(8, T, "E", "{}"),
                new HistoryEvent.SubOrchestrationScheduled(9, T, "C", "c-1", "null"),
                new HistoryEvent.SubOrchestrationCompleted(10, T, 9, "1"),
                new HistoryEvent.SubOrchestrationFailed(11, T, 9, failure),
                new HistoryEvent.OrchestrationChained(12, T, "D", "d-1", "2"),
                new HistoryEvent.SideEffectRecorded(13, T, "uuid", "u"),
                new HistoryEvent.CustomStatusSet(14, T, "\"s\""),
                new HistoryEvent.CancelRequested(15, T, "why"),
                new HistoryEvent.OrchestrationCompleted(16, T, "\"o\""),
                new HistoryEvent.OrchestrationFailed(17, T, failure),
                new HistoryEvent.ContinuedAsNew(18, T, "3"),
                new HistoryEvent.Terminated(19, T, "stop"),
                new HistoryEvent.Suspended(20, T, "hold"),
                new HistoryEvent.Resumed(21, T, "go"));
        assertThat(all).hasSize(HistoryEvent.class.getPermittedSubclasses().length);
        for (HistoryEvent e : all) {
            assertThat(codec.read(codec.write(e))).isEqualTo(e);
        }
        assertThat(codec.readList(codec.writeList(all))).isEqualTo(all);
    }

    @Test
    void unknownTypeIsAClearError() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"Nope\",\"eventId\":1}"))
                .isInstanceOf(DurataskException.class)
                .hasMessageContaining("unreadable history event").hasMessageContaining("Nope");
    }
}
