package io.duratask.spi;

/**
 * Told by a provider that work may have arrived from elsewhere: another process that shares the store
 * enqueued orchestrator messages or activity work items (PostgreSQL {@code LISTEN/NOTIFY}, for example).
 * A runtime registers one with {@link Provider#addWorkListener} and wakes idle dispatcher workers when it
 * is called, instead of waiting for its next idle poll.
 *
 * <p>A call is a hint, never a promise: the work may already be taken, and work can arrive without any
 * call (polling stays the fallback). Implementations return at once; providers call them from their
 * own threads.
 */
public interface WorkListener {

    /** About {@code count} orchestrator messages became visible (at least 1). */
    void orchestrationWork(int count);

    /** About {@code count} activity work items were enqueued (at least 1). */
    void activityWork(int count);
}
