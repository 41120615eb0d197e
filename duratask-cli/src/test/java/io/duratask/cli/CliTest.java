package io.duratask.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryCodec;
import io.duratask.history.HistoryEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code demo} once into a temporary directory, then inspects its store with the other commands. */
class CliTest {
    @TempDir
    static Path dataDir;

    static Run demo;
    static String suffix;

    @BeforeAll
    static void runDemo() {
        demo = Run.of("demo", "--data-dir", dataDir.toString());
        Matcher m = Pattern.compile("hello-(\\d{6}(-\\d+)?)").matcher(demo.out());
        assertThat(m.find()).as("instance ids in %s", demo).isTrue();
        suffix = m.group(1);
    }

    private static String db() {
        return dataDir.resolve("demo.db").toString();
    }

    /** The line of the demo's final summary about {@code instance}. */
    private static String finalLine(String instance) {
        String summary = demo.out().substring(demo.out().indexOf("Final state:"));
        return summary.lines().filter(l -> l.strip().startsWith(instance + "-" + suffix + " ")).findFirst().orElse("(none)");
    }

    @Test
    void demoEndsByItselfWithEveryInstanceInItsExpectedState() {
        assertThat(demo.exitCode()).as("%s", demo).isZero();
        assertThat(finalLine("hello")).contains("COMPLETED", "Hello, Tokyo!", "Hello, Seattle!", "Hello, London!");
        assertThat(finalLine("order-approved")).contains("COMPLETED", "\"charged P-");
        assertThat(finalLine("order-expired")).contains("COMPLETED", "\"expired\"");
        assertThat(finalLine("order-declined")).contains("FAILED", "PaymentDeclinedException");
        assertThat(finalLine("wordcount")).contains("COMPLETED", "\"totalWords\":210");
        assertThat(finalLine("monitor")).contains("COMPLETED", "\"checks\":3", "after 4 executions");
        assertThat(demo.out()).contains("Reservations released by compensation: ")
                .contains("order-declined-" + suffix).contains("order-expired-" + suffix);
    }

    @Test
    void demoPrintsHistoryEventsAndTheMonitorsStatusAsTheyHappen() {
        assertThat(demo.out())
                .containsPattern("order-approved-" + suffix + " +ActivityCompleted +Reserve -> \"R-\\d+\"")
                .containsPattern("order-declined-" + suffix + " +ActivityFailed +Charge !! PaymentDeclinedException")
                .containsPattern("order-declined-" + suffix + " +ActivityScheduled +Release <- ")
                .containsPattern("order-expired-" + suffix + " +TimerFired")
                .containsPattern("monitor-" + suffix + "#3 +CustomStatusSet +\\{\"checked\":3,\"of\":3,")
                .containsPattern("order-approved-" + suffix + " +>> raiseEvent +Approved = true");
    }

    @Test
    void demoRunsAgainOnTheSameStoreWithNewIds() {
        Run again = Run.of("demo", "--data-dir", dataDir.toString());

        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(again.out()).doesNotContain("hello-" + suffix + " ");
        assertThat(Run.of("instances", "--db", db(), "--name", "HelloChain").out().lines().count())
                .as("header and two HelloChain instances").isEqualTo(3);
    }

    @Test
    void freshDemoStartsFromAnEmptyStore(@TempDir Path otherDir) {
        assertThat(Run.of("demo", "--data-dir", otherDir.toString()).exitCode()).isZero();
        assertThat(Run.of("demo", "--data-dir", otherDir.toString(), "--fresh").exitCode()).isZero();

        Run list = Run.of("instances", "--db", otherDir.resolve("demo.db").toString());
        assertThat(list.out().lines().count()).as("header and six instances in %s", list).isEqualTo(7);
    }

    @Test
    void instancesListsEveryDemoInstanceWithItsStatus() {
        Run run = Run.of("instances", "--db", db(), "--limit", "1000");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow())
                .contains("INSTANCE", "ORCHESTRATION", "STATUS", "CREATED", "UPDATED");
        assertThat(run.out())
                .containsPattern("hello-" + suffix + " +HelloChain +COMPLETED")
                .containsPattern("order-declined-" + suffix + " +ProcessOrder +FAILED")
                .containsPattern("monitor-" + suffix + " +EternalMonitor +COMPLETED +4 ");
    }

    @Test
    void instancesFiltersByStatusAndLimits() {
        Run failed = Run.of("instances", "--db", db(), "--status", "failed");
        assertThat(failed.out()).contains("order-declined-" + suffix).doesNotContain("COMPLETED");

        Run two = Run.of("instances", "--db", db(), "--limit", "2");
        assertThat(two.out().lines().count()).as("header and two rows in %s", two).isEqualTo(3);

        Run none = Run.of("instances", "--db", db(), "--status", "SUSPENDED");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).contains("no instances match");
    }

    @Test
    void historyShowsTheCompensationOfTheDeclinedOrder() {
        Run run = Run.of("history", "--db", db(), "order-declined-" + suffix);

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("order-declined-" + suffix + "  ProcessOrder  FAILED  execution 1 of 1");
        List<String> events = run.out().lines().skip(2).map(l -> l.split(" +")[2]).toList();
        assertThat(events).containsExactly("OrchestrationStarted", "ActivityScheduled", "ActivityCompleted",
                "EventSubscribed", "TimerCreated", "EventRaised", "ActivityScheduled", "ActivityFailed",
                "ActivityScheduled", "ActivityCompleted", "OrchestrationFailed");
        assertThat(run.out()).containsPattern("ActivityScheduled +Release <- \\{\"id\":\"order-declined-");
    }

    @Test
    void historyOfAnEarlierExecutionAsJson() {
        Run run = Run.of("history", "--db", db(), "monitor-" + suffix, "--execution", "1", "--json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<HistoryEvent> history = new HistoryCodec().readList(run.out());
        assertThat(history.get(0)).isInstanceOf(HistoryEvent.OrchestrationStarted.class);
        assertThat(history.get(history.size() - 1)).isInstanceOf(HistoryEvent.ContinuedAsNew.class);
    }

    @Test
    void historyRejectsAnExecutionThatDoesNotExist() {
        Run run = Run.of("history", "--db", db(), "monitor-" + suffix, "--execution", "5");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("has executions 1 to 4, not 5");
    }

    @Test
    void historyOfAnUnknownInstanceIsAClearError() {
        Run run = Run.of("history", "--db", db(), "no-such-instance");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no instance 'no-such-instance'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingDatabaseIsAClearErrorAndIsNotCreated() {
        Path missing = dataDir.resolve("missing.db");
        for (String command : new String[] {"instances", "history"}) {
            Run run = command.equals("history") ? Run.of(command, "--db", missing.toString(), "x") : Run.of(command, "--db", missing.toString());

            assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
            assertThat(run.err()).contains("duratask " + command + ": no database at " + missing);
        }
        assertThat(missing).doesNotExist();
    }

    @Test
    void aFileThatIsNotADatabaseIsAClearError() throws IOException {
        Path text = Files.writeString(dataDir.resolve("notes.txt"), "not a database");

        Run run = Run.of("instances", "--db", text.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is not a SQLite database");
        assertThat(Files.readString(text)).isEqualTo("not a database");
    }

    @Test
    void noSubcommandIsAUsageError() {
        Run run = Run.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("a subcommand is required", "demo", "instances", "history");
    }
}
