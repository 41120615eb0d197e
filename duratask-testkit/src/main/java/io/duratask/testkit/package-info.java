/**
 * The scenario kit: end-to-end scenarios every {@link io.duratask.spi.Provider} must pass.
 *
 * <p>A provider module adds the kit in test scope and writes one small subclass per scenario class,
 * implementing {@link io.duratask.testkit.ScenarioSupport#createProvider()} (a fresh, empty store per
 * call) and, optionally, {@link io.duratask.testkit.ScenarioSupport#runtimeOptions()}:
 *
 * <pre>{@code
 * class SqliteBasicScenariosTest extends BasicScenarios {
 *     @TempDir Path dir;
 *     @Override protected Provider createProvider() { return SqliteProvider.open(dir.resolve(UUID.randomUUID() + ".db")); }
 * }
 * }</pre>
 *
 * <p>The scenario classes, by theme: {@link io.duratask.testkit.BasicScenarios} (samples, determinism,
 * errors, helpers, typed I/O), {@link io.duratask.testkit.EventScenarios} (external events),
 * {@link io.duratask.testkit.RaceScenarios} ({@code select}), {@link io.duratask.testkit.SubOrchestrationScenarios}
 * (children and detached starts), {@link io.duratask.testkit.ContinueAsNewScenarios} and
 * {@link io.duratask.testkit.BadInputScenarios} (unknown names, bad payloads, duplicates, nondeterminism),
 * {@link io.duratask.testkit.DeterminismScenarios} (cache on and off give identical histories;
 * {@code HistoryReplayer} over the provider) and {@link io.duratask.testkit.LongHistoryScenarios} (a
 * single execution past 10,000 events, 200 continue-as-new with bounded histories). Run every class twice:
 * once with the default options, once with {@code runtimeOptions()} returning
 * {@code ScenarioSupport.withCacheSize(RuntimeOptions.defaults(), 0)}.
 * {@link io.duratask.testkit.HistoryAssertions} holds the reusable history checks,
 * {@link io.duratask.testkit.NonClosingProvider} lets a scenario restart its runtime on the same store,
 * {@link io.duratask.testkit.Gates} makes "slow" work slow by construction.
 *
 * <p>Determinism tooling: {@link io.duratask.testkit.HistoryReplayer} replays saved histories (files in
 * the {@link io.duratask.testkit.HistoryFiles} format, a directory of them, or every instance of a
 * provider) against the current code and returns a {@link io.duratask.testkit.ReplayReport} of the
 * instances that would break; {@link io.duratask.testkit.TimeSkippingRuntime} runs orchestrations on a
 * {@link io.duratask.testkit.VirtualClock} that jumps to the next timer whenever the store is idle.
 *
 * <p>The SPI contracts themselves (atomic commits, locks, expiry, visibility, management) are checked one
 * level lower by the provider conformance kit in {@link io.duratask.testkit.conformance}.
 *
 * <p>The kit needs from a provider only the SPI: besides the queues and histories, the restart
 * scenarios need a store that a second runtime can open after the first one stopped (through
 * {@code NonClosingProvider}), and {@code queueDepths()} must count fetched-but-uncommitted messages as
 * visible (the scenarios that check a late message was dropped wait for the queues to drain).
 */
package io.duratask.testkit;
