package io.duratask.cli;

import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows instances by polling their status and history, printing each new history event once as
 * {@code +0.123s  order-1  ActivityCompleted  Reserve -> "R-101"}. Events of later executions
 * (continue-as-new) show the execution after the id: {@code monitor-1#2}.
 */
final class ProgressPrinter {
    private final DurableClient client;
    private final PrintWriter out;
    private final Instant origin;
    private final EventFormatter formatter = new EventFormatter(100);
    private final Map<String, Cursor> cursors = new LinkedHashMap<>();
    private final int idWidth;

    /** How far an instance was printed: which execution, how many of its events. */
    private static final class Cursor {
        long execution = 1;
        int printed;
        OrchestrationStatus status;
    }

    private record Line(Instant at, String label, String kind, String details) {}

    /** Lines of the demo's own, printed among the events of the next poll. */
    private final List<Line> notes = new ArrayList<>();

    ProgressPrinter(DurableClient client, PrintWriter out, Instant origin, List<String> instanceIds) {
        this.client = client;
        this.out = out;
        this.origin = origin;
        instanceIds.forEach(id -> cursors.put(id, new Cursor()));
        this.idWidth = instanceIds.stream().mapToInt(String::length).max().orElse(0) + 3;   // room for "#12"
    }

    /** Prints the events that appeared since the last call, oldest first; true once every instance has ended. */
    boolean poll() {
        List<Line> lines = new ArrayList<>(notes);
        notes.clear();
        boolean allEnded = true;
        for (Map.Entry<String, Cursor> entry : cursors.entrySet()) {
            String id = entry.getKey();
            Cursor cursor = entry.getValue();
            // Status first: once it reads terminal, the history read after it is complete.
            cursor.status = client.getStatus(id).orElseThrow();
            while (true) {
                List<HistoryEvent> history = client.getHistory(id, cursor.execution);
                String label = cursor.execution == 1 ? id : id + "#" + cursor.execution;
                for (HistoryEvent e : history.subList(cursor.printed, history.size())) {
                    lines.add(new Line(e.timestamp(), label, EventFormatter.kind(e), formatter.details(e, history)));
                }
                cursor.printed = history.size();
                if (cursor.execution >= cursor.status.executionId()) {
                    break;
                }
                cursor.execution++;
                cursor.printed = 0;
            }
            allEnded &= cursor.status.runtimeStatus().isTerminal();
        }
        lines.sort(Comparator.comparing(Line::at));
        for (Line l : lines) {
            out.printf("%s  %-" + idWidth + "s  %-22s  %s%n", elapsed(l.at()), l.label(), l.kind(), l.details());
        }
        out.flush();
        return allEnded;
    }

    /** A line of the demo's own about {@code instanceId}, printed in time order with the next poll's events. */
    void note(String instanceId, String kind, String details) {
        notes.add(new Line(Instant.now(), instanceId, kind, details));
    }

    /** The last status read for each instance. */
    Map<String, OrchestrationStatus> statuses() {
        Map<String, OrchestrationStatus> result = new LinkedHashMap<>();
        cursors.forEach((id, c) -> result.put(id, c.status));
        return result;
    }

    private String elapsed(Instant t) {
        return String.format("%+8.3fs", Duration.between(origin, t).toMillis() / 1000.0);
    }
}
