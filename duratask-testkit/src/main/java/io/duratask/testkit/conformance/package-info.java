/**
 * The provider conformance kit: the contracts of the {@link io.duratask.spi.Provider} SPI, tested on the
 * SPI directly (not through a runtime, except {@link io.duratask.testkit.conformance.RuntimeContract}).
 *
 * <p>A provider runs the whole kit with one subclass of
 * {@link io.duratask.testkit.conformance.ProviderConformanceKit}: a factory for a fresh store on a given
 * clock, optionally a factory for a second provider object on the same store, and its
 * {@link io.duratask.testkit.conformance.Capabilities}. Each contract is an abstract class of its own,
 * nested into the kit so that a contract added here runs on every provider:
 * {@link io.duratask.testkit.conformance.TurnCommitContract} (atomic turn commits),
 * {@link io.duratask.testkit.conformance.InstanceLockContract} (one turn per instance),
 * {@link io.duratask.testkit.conformance.LockExpiryContract} (expiry, takeover, renewal),
 * {@link io.duratask.testkit.conformance.VisibilityContract} (timers, abandon delays, order, queue depths),
 * {@link io.duratask.testkit.conformance.WorkItemContract} (the worker queue),
 * {@link io.duratask.testkit.conformance.ExecutionContract} (continue-as-new, stale executions),
 * {@link io.duratask.testkit.conformance.DequeueCountContract} (counting fetches for poison detection),
 * {@link io.duratask.testkit.conformance.ManagementContract} (create, enqueue, get, list, page),
 * {@link io.duratask.testkit.conformance.PurgeContract}, {@link io.duratask.testkit.conformance.RestartContract},
 * {@link io.duratask.testkit.conformance.SharedStoreContract} (several provider objects on one store) and
 * {@link io.duratask.testkit.conformance.RuntimeContract} (poison messages, stale completions).
 */
package io.duratask.testkit.conformance;
