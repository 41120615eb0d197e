package io.duratask;

/**
 * The winner of {@link OrchestrationContext#select}: which future completed first (in history order)
 * and the future itself, so that {@code winner().await()} returns its value or throws its failure.
 *
 * @param index position of the winner among the futures passed to {@code select}
 * @param winner the future that completed first
 */
public record Selected(int index, DurableFuture<?> winner) {
    /** The winner's value (throws its failure if it failed). */
    public Object value() {
        return winner.await();
    }

    /** The winner's value cast to {@code type}. */
    public <T> T value(Class<T> type) {
        return type.cast(winner.await());
    }
}
