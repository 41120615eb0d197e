package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableRuntime;
import io.duratask.NonDeterminismException;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.memory.InMemoryProvider;
import io.duratask.testkit.ReplayReport.Outcome;
import io.duratask.testkit.ReplayReport.Problem;
import io.duratask.testkit.ReplayReport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HistoryReplayer} against histories recorded from real runs (in-memory store, real runtime):
 * the same code replays them cleanly, each kind of code change is reported with the event it breaks at.
 */
@Timeout(60)
class HistoryReplayerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** How the "Flow" orchestration differs from the version that recorded the histories. */
    enum Change {
        NONE, RENAMED_ACTIVITY, CHANGED_INPUT, REMOVED_CALL, REMOVED_LAST_CALL, ADDED_CALL, TIMER_TO_EVENT
    }

    /**
     * Flow: Fetch (event 2, completed 3), a timer (event 4, fired 5), Store (event 6, completed 7),
     * completed (event 8). Waiting: Fetch, then waits for event "Go" (event 4) and is left running.
     */
    static Registry registry(Change change) {
        return Registry.builder()
                .activity("Fetch", (actx, s) -> "data:" + s)
                .activity("Store", (actx, s) -> "stored:" + s)
                .activity("Persist", (actx, s) -> "persisted:" + s)
                .activity("Audit", (actx, s) -> "audited:" + s)
                .orchestration("Flow", (ctx, in) -> {
                    String data = ctx.scheduleActivity("Fetch", in).await();
                    if (change == Change.ADDED_CALL) {
                        ctx.scheduleActivity("Audit", data).await();
                    }
                    if (change == Change.TIMER_TO_EVENT) {
                        ctx.waitForEvent("Proceed").await();
                    } else if (change != Change.REMOVED_CALL) {
                        ctx.scheduleTimer(Duration.ofMillis(1)).await();
                    }
                    return switch (change) {
                        case RENAMED_ACTIVITY -> ctx.scheduleActivity("Persist", data).await();
                        case CHANGED_INPUT -> ctx.scheduleActivity("Store", data.toUpperCase()).await();
                        case REMOVED_LAST_CALL -> data;
                        default -> ctx.scheduleActivity("Store", data).await();
                    };
                })
                .orchestration("Waiting", (ctx, in) -> {
                    String data = ctx.scheduleActivity("Fetch", in).await();
                    if (change == Change.ADDED_CALL) {
                        ctx.scheduleActivity("Audit", data).await();
                    }
                    return data + ctx.waitForEvent("Go").await();
                })
                .build();
    }

    private static List<HistoryEvent> flow;
    private static List<HistoryEvent> waiting;

    /** Runs {@code driver} against a fresh runtime of {@code registry} and returns nothing: read histories in it. */
    private static void run(Registry registry, Consumer<DurableClient> driver) {
        try (DurableRuntime runtime = DurableRuntime.start(new InMemoryProvider(), registry,
                RuntimeOptions.builder().idlePollInterval(Duration.ofMillis(5)).build())) {
            driver.accept(runtime.client());
        }
    }

    private static List<HistoryEvent> awaitHistory(DurableClient client, String id, Class<? extends HistoryEvent> last) {
        Awaitility.await(id + " reaches " + last.getSimpleName()).atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> client.getHistory(id).stream().anyMatch(last::isInstance));
        return client.getHistory(id);
    }

    @BeforeAll
    static void recordHistories() {
        run(registry(Change.NONE), client -> {
            client.startOrchestration("flow-1", "Flow", "x");
            client.startOrchestration("waiting-1", "Waiting", "y");
            assertThat(client.waitForCompletion("flow-1", WAIT).output(String.class)).isEqualTo("stored:data:x");
            flow = client.getHistory("flow-1");
            waiting = awaitHistory(client, "waiting-1", EventSubscribed.class);
        });
        assertThat(HistoryAssertions.types(flow)).containsExactly("OrchestrationStarted", "ActivityScheduled",
                "ActivityCompleted", "TimerCreated", "TimerFired", "ActivityScheduled", "ActivityCompleted",
                "OrchestrationCompleted");
        assertThat(HistoryAssertions.types(waiting)).containsExactly("OrchestrationStarted", "ActivityScheduled",
                "ActivityCompleted", "EventSubscribed");
    }

    private static ReplayReport replayBoth(Registry registry) {
        HistoryReplayer replayer = new HistoryReplayer(registry);
        return ReplayReport.merge(List.of(replayer.replay("flow-1", 1, "recorded", flow),
                replayer.replay("waiting-1", 1, "recorded", waiting)));
    }

    // ---- the same code --------------------------------------------------------------------------------

    @Test
    void theCodeThatRecordedTheHistoriesReplaysThemCleanly() {
        ReplayReport report = replayBoth(registry(Change.NONE));

        assertThat(report.isOk()).as(report.toString()).isTrue();
        assertThat(report.passed()).extracting(Result::instanceId).containsExactly("flow-1", "waiting-1");
        assertThat(report.broken()).isEmpty();
        assertThat(report.result("flow-1").orchestration()).isEqualTo("Flow");
        assertThat(report.result("flow-1").events()).isEqualTo(8);
        assertThat(report.assertNoBreaks()).isSameAs(report);
        assertThat(report.toString()).startsWith("ReplayReport: 2 histories, 2 ok, 0 broken, 0 skipped")
                .contains("OK       instance 'flow-1' execution 1 (Flow), 8 events, from recorded");
    }

    // ---- changed code -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Change.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyKindOfChangeIsReportedWithTheEventItBreaksAt(Change change) {
        ReplayReport report = new HistoryReplayer(registry(change)).replay("flow-1", 1, "recorded", flow);

        assertThat(report.isOk()).as(report.toString()).isFalse();
        Result r = report.result("flow-1");
        assertThat(r.outcome()).isEqualTo(Outcome.BROKEN);
        assertThat(r.problem()).isEqualTo(Problem.NONDETERMINISM);
        assertThat(r.message()).as("message of %s", change)
                .contains(NonDeterminismException.CODE)
                .contains("instance 'flow-1' execution 1");
        switch (change) {
            case RENAMED_ACTIVITY -> assertThat(r.message())
                    .contains("event 6: history holds ActivityScheduled(name=Store, input=\"data:x\")")
                    .contains("called scheduleActivity(name=Persist, input=\"data:x\")");
            case CHANGED_INPUT -> assertThat(r.message())
                    .contains("event 6: history holds ActivityScheduled(name=Store, input=\"data:x\")")
                    .contains("called scheduleActivity(name=Store, input=\"DATA:X\")");
            case REMOVED_CALL -> assertThat(r.message())
                    .contains("event 4: history holds TimerCreated(fireAt=")
                    .contains("called scheduleActivity(name=Store");
            case REMOVED_LAST_CALL -> assertThat(r.message())
                    .contains("event 6: history holds ActivityScheduled(name=Store")
                    .contains("completed the orchestration");
            case ADDED_CALL -> assertThat(r.message())
                    .contains("event 4: history holds TimerCreated(fireAt=")
                    .contains("called scheduleActivity(name=Audit");
            case TIMER_TO_EVENT -> assertThat(r.message())
                    .contains("event 4: history holds TimerCreated(fireAt=")
                    .contains("called waitForEvent(name=Proceed)");
            case NONE -> throw new AssertionError("excluded");
        }
        if (change != Change.REMOVED_LAST_CALL) {   // a return has no call site to name
            assertThat(r.message()).as("the source line of the call").contains("HistoryReplayerTest.java:");
        }
        assertThatThrownBy(report::assertNoBreaks).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 history would break on the current code")
                .hasMessageContaining("instance 'flow-1'")
                .hasMessageContaining(r.message());
    }

    @Test
    void aCallAddedAfterTheEndOfARunningHistoryIsReported() {
        ReplayReport report = new HistoryReplayer(registry(Change.ADDED_CALL)).replay("waiting-1", 1, "recorded", waiting);

        Result r = report.result("waiting-1");
        assertThat(r.isBroken()).as(report.toString()).isTrue();
        assertThat(r.message()).contains("event 4: history holds EventSubscribed(name=Go)")
                .contains("called scheduleActivity(name=Audit");
    }

    @Test
    void aCallRemovedFromTheEndOfARunningHistoryIsReported() {
        Registry shorter = Registry.builder()
                .orchestration("Waiting", (ctx, in) -> ctx.scheduleActivity("Fetch", in).await())
                .build();

        Result r = new HistoryReplayer(shorter).replay("waiting-1", 1, "recorded", waiting).result("waiting-1");

        assertThat(r.isBroken()).as(r.toString()).isTrue();
        assertThat(r.message()).contains("event 4: history holds EventSubscribed(name=Go)");
    }

    @Test
    void relaxedInputMatchingAcceptsChangedInputsButNotChangedNames() {
        HistoryReplayer relaxed = HistoryReplayer.builder(registry(Change.CHANGED_INPUT)).relaxedInputMatching(true).build();
        assertThat(relaxed.replay("flow-1", 1, "recorded", flow).isOk()).isTrue();

        HistoryReplayer relaxedRenamed = HistoryReplayer.builder(registry(Change.RENAMED_ACTIVITY))
                .like(RuntimeOptions.builder().relaxedInputMatching(true).build()).build();
        assertThat(relaxedRenamed.replay("flow-1", 1, "recorded", flow).isOk()).isFalse();
    }

    @Test
    void everyBrokenInstanceIsListedByAssertNoBreaks() {
        ReplayReport report = replayBoth(registry(Change.ADDED_CALL));

        assertThat(report.broken()).extracting(Result::instanceId).containsExactly("flow-1", "waiting-1");
        assertThatThrownBy(report::assertNoBreaks).isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 histories would break on the current code (of 2 replayed)")
                .hasMessageContaining("instance 'flow-1' execution 1 (Flow)")
                .hasMessageContaining("instance 'waiting-1' execution 1 (Waiting)");
        assertThat(report.toString()).contains("0 ok, 2 broken").contains("BROKEN   instance 'waiting-1'")
                .contains("NONDETERMINISM: [DT0001]");
    }

    // ---- registry problems and odd histories ---------------------------------------------------------

    @Test
    void aRegistryWithoutTheOrchestrationIsReported() {
        Registry without = Registry.builder()
                .activity("Fetch", (actx, s) -> s)
                .orchestration("Waiting", (ctx, in) -> ctx.scheduleActivity("Fetch", in).await()
                        + ctx.waitForEvent("Go").await())
                .build();

        ReplayReport report = replayBoth(without);

        assertThat(report.broken()).extracting(Result::instanceId).containsExactly("flow-1");
        Result r = report.result("flow-1");
        assertThat(r.problem()).isEqualTo(Problem.UNKNOWN_ORCHESTRATION);
        assertThat(r.message()).contains("no orchestration named 'Flow'").contains("Waiting");
        assertThat(report.result("waiting-1").isOk()).isTrue();
        assertThatThrownBy(report::assertNoBreaks).hasMessageContaining("UNKNOWN_ORCHESTRATION")
                .hasMessageContaining("'Flow'");
    }

    @Test
    void aVersionThatIsNoLongerRegisteredIsReported() {
        List<HistoryEvent> v1 = new ArrayList<>(flow);
        OrchestrationStarted s = (OrchestrationStarted) v1.get(0);
        v1.set(0, new OrchestrationStarted(1, s.timestamp(), s.name(), "1", s.input(), null, null));

        Result r = new HistoryReplayer(registry(Change.NONE)).check("flow-v1", 1, "edited", v1);

        assertThat(r.problem()).isEqualTo(Problem.UNKNOWN_ORCHESTRATION);
        assertThat(r.orchestration()).isEqualTo("Flow@1");
        assertThat(r.message()).contains("'Flow' version '1'");
    }

    @Test
    void emptyAndMalformedHistoriesAreSkippedOrReported() {
        HistoryReplayer replayer = new HistoryReplayer(registry(Change.NONE));

        Result empty = replayer.check("nothing", 1, "test", List.of());
        assertThat(empty.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(empty.message()).contains("empty history");

        Result headless = replayer.check("headless", 1, "test", flow.subList(1, flow.size()));
        assertThat(headless.problem()).isEqualTo(Problem.INVALID_HISTORY);
        assertThat(headless.message()).contains("first event is ActivityScheduled");
    }

    @Test
    void codeThatHangsOnReplayIsReportedAfterTheTimeout() {
        Registry hangs = Registry.builder()
                .orchestration("Flow", (ctx, in) -> {
                    if (ctx.isReplaying()) {
                        new CountDownLatch(1).await();   // never
                    }
                    return null;
                })
                .build();

        Result r = HistoryReplayer.builder(hangs).timeout(Duration.ofMillis(200)).build()
                .check("flow-1", 1, "recorded", flow);

        assertThat(r.problem()).isEqualTo(Problem.REPLAY_ERROR);
        assertThat(r.message()).contains("did not finish within PT0.2S");
    }

    // ---- failed histories ---------------------------------------------------------------------------------

    @Test
    void aFailureTheCodeProducedIsReplayedAndAChangeBeforeItIsReported() {
        Registry failing = Registry.builder()
                .activity("Boom", (actx, s) -> {
                    throw new IllegalStateException("boom " + s);
                })
                .activity("Cleanup", (actx, s) -> "cleaned")
                .orchestration("Fragile", (ctx, in) -> {
                    try {
                        return ctx.scheduleActivity("Boom", in).await();
                    } catch (io.duratask.ActivityFailedException e) {
                        ctx.scheduleActivity("Cleanup", in).await();
                        throw e;
                    }
                })
                .build();
        List<List<HistoryEvent>> recorded = new ArrayList<>();
        run(failing, client -> {
            client.startOrchestration("fragile-1", "Fragile", "z");
            assertThat(client.waitForCompletion("fragile-1", WAIT).runtimeStatus()).isEqualTo(RuntimeStatus.FAILED);
            recorded.add(client.getHistory("fragile-1"));
        });

        assertThat(new HistoryReplayer(failing).replay("fragile-1", 1, "recorded", recorded.get(0)).isOk()).isTrue();

        Registry noCleanup = Registry.builder()
                .orchestration("Fragile", (ctx, in) -> ctx.scheduleActivity("Boom", in).await())
                .build();
        Result r = new HistoryReplayer(noCleanup).check("fragile-1", 1, "recorded", recorded.get(0));
        assertThat(r.problem()).as(r.toString()).isEqualTo(Problem.NONDETERMINISM);
        assertThat(r.message()).contains("event 4: history holds ActivityScheduled(name=Cleanup")
                .contains("failed the orchestration");
    }

    @Test
    void anExecutionThatAlreadyFailedWithNondeterminismIsSkipped() {
        InMemoryProvider memory = new InMemoryProvider();
        NonClosingProvider store = new NonClosingProvider(memory);
        RuntimeOptions options = RuntimeOptions.builder().idlePollInterval(Duration.ofMillis(5)).build();
        try (DurableRuntime first = DurableRuntime.start(store, registry(Change.NONE), options)) {
            first.client().startOrchestration("waiting-2", "Waiting", "y");
            awaitHistory(first.client(), "waiting-2", EventSubscribed.class);
        }
        List<HistoryEvent> broken;
        try (DurableRuntime second = DurableRuntime.start(store, registry(Change.ADDED_CALL), options)) {
            second.client().raiseEvent("waiting-2", "Go", "!");   // the turn replays on changed code and fails
            OrchestrationStatus status = second.client().waitForCompletion("waiting-2", WAIT);
            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.FAILED);
            assertThat(status.failure().type()).isEqualTo(NonDeterminismException.class.getName());
            broken = second.client().getHistory("waiting-2");
        }

        for (Change change : List.of(Change.NONE, Change.ADDED_CALL)) {
            ReplayReport report = new HistoryReplayer(registry(change)).replayProvider(memory);
            Result r = report.result("waiting-2");
            assertThat(r.outcome()).as("on %s code: %s", change, report).isEqualTo(Outcome.SKIPPED);
            assertThat(r.message()).contains("already failed with " + NonDeterminismException.class.getName());
        }
        assertThat(new HistoryReplayer(registry(Change.NONE)).check("waiting-2", 1, "x", broken).isSkipped()).isTrue();
        memory.close();
    }

    // ---- files and providers --------------------------------------------------------------------------------

    @Test
    void aDirectoryOfHistoryFilesIsReplayedFileByFile(@TempDir Path dir) throws Exception {
        HistoryFiles.write(dir.resolve(HistoryFiles.fileName("flow-1")), flow);
        HistoryFiles.write(dir.resolve("nested").resolve(HistoryFiles.fileName("waiting-1", 3)), waiting);
        Files.writeString(dir.resolve("broken.json"), "[{\"type\":\"NoSuchEvent\"}]");
        Files.writeString(dir.resolve("notes.txt"), "not a history");

        ReplayReport report = new HistoryReplayer(registry(Change.NONE)).replay(dir);

        assertThat(report.results()).extracting(Result::instanceId).containsExactly("broken", "flow-1", "waiting-1");
        assertThat(report.result("flow-1").isOk()).isTrue();
        assertThat(report.result("flow-1").source()).isEqualTo(dir.resolve("flow-1.json").toString());
        assertThat(report.result("waiting-1").executionId()).as("from the file name").isEqualTo(3);
        assertThat(report.result("waiting-1").isOk()).isTrue();
        assertThat(report.result("broken").problem()).isEqualTo(Problem.INVALID_HISTORY);
        assertThat(report.result("broken").message()).contains("cannot read the history file");

        ReplayReport one = new HistoryReplayer(registry(Change.RENAMED_ACTIVITY)).replay(dir.resolve("flow-1.json"));
        assertThat(one.results()).singleElement().satisfies(r -> {
            assertThat(r.isBroken()).isTrue();
            assertThat(r.message()).contains("event 6");
        });
    }

    @Test
    void historyFileNamesCarryInstanceAndExecution() {
        assertThat(HistoryFiles.fileName("order-1")).isEqualTo("order-1.json");
        assertThat(HistoryFiles.fileName("monitor", 12)).isEqualTo("monitor.execution-12.json");
        assertThat(HistoryFiles.parse(Path.of("x", "monitor.execution-12.json")))
                .isEqualTo(new HistoryFiles.Name("monitor", 12));
        assertThat(HistoryFiles.parse(Path.of("order-1.json"))).isEqualTo(new HistoryFiles.Name("order-1", 1));
        String odd = "parent:1:5/child ü%";
        assertThat(HistoryFiles.fileName(odd)).doesNotContain("/").doesNotContain(" ");
        assertThat(HistoryFiles.parse(Path.of(HistoryFiles.fileName(odd, 2)))).isEqualTo(new HistoryFiles.Name(odd, 2));
        assertThat(HistoryFiles.parse(Path.of(HistoryFiles.fileName(odd)))).isEqualTo(new HistoryFiles.Name(odd, 1));
    }

    @Test
    void aProviderIsWalkedPageByPageWithCurrentOrAllExecutions() {
        Registry registry = Registry.builder()
                .activity("Fetch", (actx, s) -> "data:" + s)
                .orchestration("Flow", (ctx, in) -> ctx.scheduleActivity("Fetch", in).await())
                .orchestration("Counter", Integer.class, (ctx, n) -> {
                    ctx.scheduleActivity("Fetch", "n" + n).await();
                    return n < 4 ? ctx.continueAsNew(n + 1) : n;
                })
                .build();
        InMemoryProvider memory = new InMemoryProvider();
        NonClosingProvider store = new NonClosingProvider(memory);
        try (DurableRuntime runtime = DurableRuntime.start(store, registry)) {
            for (int i = 1; i <= 5; i++) {
                runtime.client().startOrchestration("flow-" + i, "Flow", "v" + i);
            }
            runtime.client().startOrchestration("counter", "Counter", 1);
            for (String id : List.of("flow-1", "flow-2", "flow-3", "flow-4", "flow-5", "counter")) {
                runtime.client().waitForCompletion(id, WAIT);
            }
        }
        DurableClient.of(store).startOrchestration("not-started", "Flow", "w");   // no runtime: stays PENDING

        HistoryReplayer replayer = HistoryReplayer.builder(registry).pageSize(2).build();
        ReplayReport current = replayer.replayProvider(memory);
        assertThat(current.results()).extracting(Result::instanceId).containsExactlyInAnyOrder(
                "flow-1", "flow-2", "flow-3", "flow-4", "flow-5", "counter", "not-started");
        assertThat(current.results()).allSatisfy(r -> assertThat(r.source()).isEqualTo("provider:InMemoryProvider"));
        assertThat(current.result("counter").executionId()).isEqualTo(4);
        assertThat(current.result("counter").events()).as("the last execution's history").isEqualTo(4);
        assertThat(current.result("not-started").isSkipped()).isTrue();
        assertThat(current.passed()).hasSize(6);
        current.assertNoBreaks();

        ReplayReport all = replayer.replayProvider(memory, true);
        assertThat(all.results("counter")).extracting(Result::executionId).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all.results("counter")).allSatisfy(r -> assertThat(r.isOk()).isTrue());
        assertThat(all.results()).hasSize(10);

        Registry changed = Registry.builder()
                .activity("Fetch", (actx, s) -> s)
                .orchestration("Flow", (ctx, in) -> ctx.scheduleActivity("Fetch", in).await())
                .orchestration("Counter", Integer.class, (ctx, n) -> {
                    ctx.scheduleActivity("Fetch", "count " + n).await();
                    return n < 4 ? ctx.continueAsNew(n + 1) : n;
                })
                .build();
        ReplayReport afterChange = HistoryReplayer.builder(changed).pageSize(3).build().replayProvider(memory, true);
        assertThat(afterChange.broken()).hasSize(4).allSatisfy(r -> {
            assertThat(r.instanceId()).isEqualTo("counter");
            assertThat(r.message()).contains("event 2: history holds ActivityScheduled(name=Fetch, input=\"n");
        });
        memory.close();
    }

    @Test
    void resultsInsistOnAProblemExactlyWhenBroken() {
        assertThatThrownBy(() -> new Result("i", 1, "O", "s", Outcome.BROKEN, null, "m", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Result("i", 1, "O", "s", Outcome.OK, Problem.NONDETERMINISM, null, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ReplayReport(List.of()).isOk()).isTrue();
        assertThat(new ReplayReport(List.of()).toString()).isEqualTo("ReplayReport: 0 histories, 0 ok, 0 broken, 0 skipped");
    }

    @Test
    void handBuiltHistoriesWithoutTimestampsReplayToo() {
        Registry registry = registry(Change.NONE);
        List<HistoryEvent> h = List.of(
                new OrchestrationStarted(1, null, "Waiting", "", "\"q\"", null, null),
                new ActivityScheduled(2, null, "Fetch", "\"q\""));
        assertThat(new HistoryReplayer(registry).check("hand", 1, "test", h).isOk()).isTrue();
        List<HistoryEvent> wrong = List.of(
                new OrchestrationStarted(1, Instant.EPOCH, "Waiting", "", "\"q\"", null, null),
                new ActivityScheduled(2, Instant.EPOCH, "Fetch", "\"other\""));
        assertThat(new HistoryReplayer(registry).check("hand", 1, "test", wrong).message())
                .contains("event 2: history holds ActivityScheduled(name=Fetch, input=\"other\")");
    }
}
