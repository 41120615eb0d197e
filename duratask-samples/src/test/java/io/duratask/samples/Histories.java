package io.duratask.samples;

import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import java.util.List;

/** Short views of histories for assertions. */
final class Histories {
    private Histories() {}

    /** Each event as its type name, activity schedules as {@code ActivityScheduled:Name}. */
    static List<String> kinds(List<HistoryEvent> history) {
        return history.stream()
                .map(e -> e instanceof ActivityScheduled s ? "ActivityScheduled:" + s.name() : e.getClass().getSimpleName())
                .toList();
    }

    /** Names of the activities scheduled, in order. */
    static List<String> activities(List<HistoryEvent> history) {
        return history.stream().filter(ActivityScheduled.class::isInstance).map(e -> ((ActivityScheduled) e).name()).toList();
    }
}
