package io.duratask.replay;

import io.duratask.DurableFuture;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of every future the engine hands out. Completed on the driver thread while the code thread is
 * parked; awaited on the code thread. {@link #completedAt} is the event id of the completion that
 * settled it, which orders completions for {@code select} and {@code join}.
 */
abstract class EngineFuture<T> implements DurableFuture<T> {
    protected final Execution owner;
    private boolean done;
    private long completedAt;
    private List<Runnable> listeners;

    EngineFuture(Execution owner) {
        this.owner = owner;
    }

    @Override
    public final T await() {
        owner.awaitOnCodeThread(this);
        return value();
    }

    @Override
    public final boolean isDone() {
        return done;
    }

    long completedAt() {
        return completedAt;
    }

    /** The value (or thrown failure) once done; runs on the code thread. */
    abstract T value();

    /** True if settled with a failure. */
    abstract boolean failed();

    /** Marks done at {@code eventId} and notifies dependants (select, join). */
    final void settle(long eventId) {
        done = true;
        completedAt = eventId;
        if (listeners != null) {
            List<Runnable> l = listeners;
            listeners = null;
            l.forEach(Runnable::run);
        }
    }

    final void onSettled(Runnable listener) {
        if (done) {
            listener.run();
            return;
        }
        if (listeners == null) {
            listeners = new ArrayList<>(2);
        }
        listeners.add(listener);
    }
}
