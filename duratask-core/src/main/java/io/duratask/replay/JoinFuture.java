package io.duratask.replay;

import java.util.ArrayList;
import java.util.List;

/** Settles when all its futures have settled; values in argument order, or the earliest failure. */
final class JoinFuture<T> extends EngineFuture<List<T>> {
    private final List<? extends EngineFuture<T>> futures;
    private int remaining;

    JoinFuture(Execution owner, List<? extends EngineFuture<T>> futures) {
        super(owner);
        this.futures = List.copyOf(futures);
        this.remaining = futures.size();
        long last = 0;
        for (EngineFuture<T> f : this.futures) {
            if (f.isDone()) {
                remaining--;
                last = Math.max(last, f.completedAt());
            }
        }
        if (remaining == 0) {
            settle(last);
            return;
        }
        for (EngineFuture<T> f : this.futures) {
            if (!f.isDone()) {
                f.onSettled(() -> {
                    if (--remaining == 0) {
                        settle(f.completedAt());
                    }
                });
            }
        }
    }

    @Override
    public String toString() {
        return "join of " + futures;
    }

    @Override
    List<T> value() {
        EngineFuture<T> firstFailure = null;
        for (EngineFuture<T> f : futures) {
            if (f.failed() && (firstFailure == null || f.completedAt() < firstFailure.completedAt())) {
                firstFailure = f;
            }
        }
        if (firstFailure != null) {
            firstFailure.value(); // throws
        }
        List<T> values = new ArrayList<>(futures.size());
        for (EngineFuture<T> f : futures) {
            values.add(f.value());
        }
        return values;
    }

    @Override
    boolean failed() {
        for (EngineFuture<T> f : futures) {
            if (f.failed()) {
                return true;
            }
        }
        return false;
    }
}
