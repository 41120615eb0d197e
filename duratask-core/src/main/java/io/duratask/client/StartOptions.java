package io.duratask.client;

/**
 * Options of {@link DurableClient#startOrchestration(String, String, Object, StartOptions)}.
 *
 * @param version the orchestration version to start; null: the latest registered
 * @param returnExisting if an instance with the id exists, return its id instead of failing with
 *     {@link io.duratask.InstanceExistsException} (an idempotent start)
 */
public record StartOptions(String version, boolean returnExisting) {
    public static StartOptions defaults() {
        return new StartOptions(null, false);
    }

    /** Start unless the id exists; then return the existing instance. */
    public static StartOptions orReturnExisting() {
        return new StartOptions(null, true);
    }

    public StartOptions withVersion(String v) {
        return new StartOptions(v, returnExisting);
    }
}
