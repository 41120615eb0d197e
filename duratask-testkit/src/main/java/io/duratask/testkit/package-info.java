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
 * {@link io.duratask.testkit.BadInputScenarios} (unknown names, bad payloads, duplicates, nondeterminism).
 * {@link io.duratask.testkit.HistoryAssertions} holds the reusable history checks,
 * {@link io.duratask.testkit.NonClosingProvider} lets a scenario restart its runtime on the same store,
 * {@link io.duratask.testkit.Gates} makes "slow" work slow by construction.
 *
 * <p>The kit needs from a provider only the SPI: besides the queues and histories, the restart
 * scenarios need a store that a second runtime can open after the first one stopped (through
 * {@code NonClosingProvider}), and {@code queueDepths()} must count fetched-but-uncommitted messages as
 * visible (the scenarios that check a late message was dropped wait for the queues to drain).
 */
package io.duratask.testkit;
