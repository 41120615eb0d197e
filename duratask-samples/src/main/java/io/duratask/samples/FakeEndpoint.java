package io.duratask.samples;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake health endpoint for {@link EternalMonitor}: answers its given health values in a cycle. */
public final class FakeEndpoint {
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    private final List<String> answers;
    private final AtomicInteger calls = new AtomicInteger();

    /** An endpoint that answers {@code answers[0]}, {@code answers[1]}, ... and then starts over. */
    public FakeEndpoint(String... answers) {
        if (answers.length == 0) {
            throw new IllegalArgumentException("an endpoint needs at least one answer");
        }
        this.answers = List.of(answers);
    }

    /** An endpoint that is always up. */
    public static FakeEndpoint alwaysUp() {
        return new FakeEndpoint(UP);
    }

    /** The health of {@code url}, as this endpoint answers its next call. */
    public String check(String url) {
        return answers.get(Math.floorMod(calls.getAndIncrement(), answers.size()));
    }

    /** How many checks it answered. */
    public int calls() {
        return calls.get();
    }
}
