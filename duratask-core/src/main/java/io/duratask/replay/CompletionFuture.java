package io.duratask.replay;

import io.duratask.FailureDetails;
import java.util.function.Function;

/**
 * A future settled by one history event: an activity, timer, event wait or sub-orchestration. The
 * payload is kept as JSON and read as the requested type on the code thread, so a payload that does not
 * read throws {@link io.duratask.PayloadException} where the code awaits it.
 */
final class CompletionFuture<T> extends EngineFuture<T> {
    private final Class<T> type;
    private final Function<FailureDetails, RuntimeException> failureFactory;
    private final String description;
    private String json;
    private FailureDetails failure;

    CompletionFuture(Execution owner, Class<T> type, Function<FailureDetails, RuntimeException> failureFactory,
                     String description) {
        super(owner);
        this.type = type;
        this.failureFactory = failureFactory;
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }

    void succeed(String resultJson, long eventId) {
        this.json = resultJson;
        settle(eventId);
    }

    void fail(FailureDetails details, long eventId) {
        this.failure = details;
        settle(eventId);
    }

    @Override
    T value() {
        if (failure != null) {
            throw failureFactory.apply(failure);
        }
        return owner.codec().decode(json, type);
    }

    @Override
    boolean failed() {
        return failure != null;
    }

    FailureDetails failure() {
        return failure;
    }

    /** Turns a failure into the exception this kind of call throws. */
    RuntimeException exceptionFor(FailureDetails details) {
        return failureFactory.apply(details);
    }
}
