package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.testkit.HistoryFiles;
import io.duratask.testkit.HistoryReplayer;
import io.duratask.testkit.ReplayReport;
import io.duratask.testkit.ReplayReport.Problem;
import io.duratask.testkit.ReplayReport.Result;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the committed golden histories (one run of every sample, see {@link GoldenHistoryRecorder})
 * against the current sample code: a change to a sample that would break instances already running
 * on the old code fails this test, naming the instance, the event and the line of code.
 */
class GoldenHistoriesTest {

    private static Path goldenDir() throws Exception {
        URL url = GoldenHistoriesTest.class.getResource(GoldenSamples.RESOURCE_DIR);
        assertThat(url).as("golden histories on the class path at %s", GoldenSamples.RESOURCE_DIR).isNotNull();
        return Path.of(url.toURI());
    }

    private static List<HistoryEvent> golden(String file) throws Exception {
        return HistoryFiles.read(goldenDir().resolve(file));
    }

    @Test
    void everyGoldenHistoryReplaysOnTheCurrentSampleCode() throws Exception {
        ReplayReport report = new HistoryReplayer(GoldenSamples.registry()).replay(goldenDir());

        report.assertNoBreaks();
        assertThat(report.results()).as("one result per golden file\n%s", report).hasSize(GoldenSamples.FILES.size());
        assertThat(report.skipped()).as("no golden file is skipped\n%s", report).isEmpty();
    }

    @Test
    void theGoldenFilesCoverEverySampleAndOutcome() throws Exception {
        for (String file : GoldenSamples.FILES) {
            assertThat(goldenDir().resolve(file)).as("golden file %s (regenerate: see duratask-samples/README.md)", file)
                    .exists();
        }
        assertThat(last(GoldenSamples.HELLO + ".json")).isInstanceOf(OrchestrationCompleted.class);
        assertThat(Histories.kinds(golden(GoldenSamples.ORDER_APPROVED + ".json")))
                .containsSubsequence("EventRaised", "ActivityScheduled:" + OrderProcessing.CHARGE, "OrchestrationCompleted")
                .doesNotContain("TimerFired");
        assertThat(Histories.kinds(golden(GoldenSamples.ORDER_EXPIRED + ".json")))
                .containsSubsequence("TimerFired", "ActivityScheduled:" + OrderProcessing.RELEASE, "OrchestrationCompleted")
                .doesNotContain("EventRaised");
        assertThat(Histories.kinds(golden(GoldenSamples.ORDER_DECLINED + ".json"))).containsSubsequence(
                "ActivityScheduled:" + OrderProcessing.CHARGE, "ActivityFailed",
                "ActivityScheduled:" + OrderProcessing.RELEASE, "ActivityCompleted", "OrchestrationFailed");
        assertThat(((OrchestrationFailed) last(GoldenSamples.ORDER_DECLINED + ".json")).failure()
                .isCausedBy(Payments.PaymentDeclinedException.class)).isTrue();
        assertThat(Histories.activities(golden(GoldenSamples.WORD_COUNT + ".json")))
                .filteredOn(FanOutFanIn.COUNT_WORDS::equals).hasSize(GoldenSamples.DOCUMENTS);
        for (int execution = 1; execution <= GoldenSamples.MONITOR_ITERATIONS; execution++) {
            assertThat(last(HistoryFiles.fileName(GoldenSamples.MONITOR, execution)))
                    .as("monitor execution %d", execution).isInstanceOf(ContinuedAsNew.class);
        }
        assertThat(last(HistoryFiles.fileName(GoldenSamples.MONITOR, GoldenSamples.MONITOR_ITERATIONS + 1)))
                .isInstanceOf(OrchestrationCompleted.class);
    }

    private static HistoryEvent last(String file) throws Exception {
        List<HistoryEvent> h = golden(file);
        assertThat(h).as(file).isNotEmpty();
        return h.get(h.size() - 1);
    }

    /**
     * The check has teeth: the samples with a small change each (the kind a refactoring makes) break
     * every golden history that reaches the changed call.
     */
    @Test
    void changedSampleCodeBreaksTheGoldenHistories() throws Exception {
        ReplayReport report = new HistoryReplayer(drifted()).replay(goldenDir());

        List<String> expectedBroken = new ArrayList<>(GoldenSamples.FILES);
        expectedBroken.remove(HistoryFiles.fileName(GoldenSamples.MONITOR, GoldenSamples.MONITOR_ITERATIONS + 1));
        assertThat(report.broken()).as(report.toString())
                .extracting(r -> Path.of(r.source()).getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(expectedBroken);
        assertThat(report.broken()).allSatisfy(r -> assertThat(r.problem()).isEqualTo(Problem.NONDETERMINISM));
        Result hello = report.result(GoldenSamples.HELLO);
        assertThat(hello.message()).contains("event 2: history holds ActivityScheduled(name=SayHello, input=\"Tokyo\")")
                .contains("input=\"London\"").contains("GoldenHistoriesTest.java:");
        assertThat(report.result(GoldenSamples.ORDER_APPROVED).message())
                .contains("event 4: history holds EventSubscribed(name=Approved)").contains("scheduleTimer");
        assertThat(report.result(GoldenSamples.WORD_COUNT).message())
                .contains("ActivityScheduled(name=ListDocuments, input=\"doc-\")");
        assertThat(report.results(GoldenSamples.MONITOR).get(0).message())
                .contains("event 4: history holds CustomStatusSet");
        assertThatThrownBy(report::assertNoBreaks).isInstanceOf(AssertionError.class)
                .hasMessageContaining(expectedBroken.size() + " histories would break");
        assertThat(Files.list(goldenDir()).count()).isGreaterThanOrEqualTo(GoldenSamples.FILES.size());
    }

    /** Each sample with one change that running instances would not survive. */
    private static Registry drifted() {
        return Registry.builder()
                .orchestration(HelloChain.ORCHESTRATION, String[].class, (ctx, cities) -> {
                    List<String> greetings = new ArrayList<>();
                    for (String city : HelloChain.DEFAULT_CITIES.reversed()) {   // greets in the other order
                        greetings.add(ctx.scheduleActivity(HelloChain.SAY_HELLO, city).await());
                    }
                    return greetings;
                })
                .orchestration(OrderProcessing.ORCHESTRATION, OrderProcessing.Request.class, (ctx, request) -> {
                    ctx.scheduleActivity(OrderProcessing.RESERVE, request.order()).await();
                    DurableFuture<Void> deadline = ctx.scheduleTimer(request.approvalTimeout());   // now before the wait
                    DurableFuture<Boolean> approval = ctx.waitForEvent(OrderProcessing.APPROVED, Boolean.class);
                    return ctx.select(approval, deadline).await().index() == 1 ? OrderProcessing.EXPIRED : "charged";
                })
                .orchestration(FanOutFanIn.ORCHESTRATION, (ctx, prefix) ->
                        ctx.scheduleActivity(FanOutFanIn.LIST_DOCUMENTS, prefix.toUpperCase(), String[].class).await())
                .orchestration(EternalMonitor.ORCHESTRATION, EternalMonitor.State.class, (ctx, state) -> {
                    if (state.checked() >= state.iterations()) {
                        return new EternalMonitor.Report(state.url(), state.checked(), state.healthy());
                    }
                    String health = ctx.scheduleActivity(EternalMonitor.CHECK_ENDPOINT, state.url()).await();
                    ctx.scheduleTimer(state.interval()).await();                     // no custom status any more
                    return ctx.continueAsNew(state.after(health));
                })
                .build();
    }
}
