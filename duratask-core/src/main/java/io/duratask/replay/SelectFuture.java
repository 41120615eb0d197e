package io.duratask.replay;

import io.duratask.DurableFuture;
import io.duratask.Selected;
import java.util.List;

/** Settles with the first of its futures to settle, in history order. */
final class SelectFuture extends EngineFuture<Selected> {
    private Selected winner;
    private final String description;

    SelectFuture(Execution owner, List<EngineFuture<?>> futures) {
        super(owner);
        this.description = "select over " + futures;
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("select needs at least one future");
        }
        int best = -1;
        for (int i = 0; i < futures.size(); i++) {
            EngineFuture<?> f = futures.get(i);
            if (f.isDone() && (best < 0 || f.completedAt() < futures.get(best).completedAt())) {
                best = i;
            }
        }
        if (best >= 0) {
            win(best, futures.get(best));
            return;
        }
        for (int i = 0; i < futures.size(); i++) {
            int index = i;
            EngineFuture<?> f = futures.get(i);
            f.onSettled(() -> {
                if (!isDone()) {
                    win(index, f);
                }
            });
        }
    }

    private void win(int index, DurableFuture<?> f) {
        winner = new Selected(index, f);
        settle(((EngineFuture<?>) f).completedAt());
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    Selected value() {
        return winner;
    }

    @Override
    boolean failed() {
        return false;
    }
}
