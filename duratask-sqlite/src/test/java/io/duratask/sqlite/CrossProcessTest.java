package io.duratask.sqlite;

import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.QueueDepths;
import io.duratask.testkit.conformance.SpiFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes work the same file: every lock lives in the database, so no turn runs twice. */
class CrossProcessTest {
    private static final Duration LOCK = Duration.ofMinutes(5);
    private static final int INSTANCES = 30;
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    @Test
    void aSecondProcessSharesTheWorkWithoutDoubleProcessing() throws Exception {
        Path file = dir.resolve("shared.db");
        try (SqliteProvider provider = SqliteProvider.open(file)) {
            for (int i = 0; i < INSTANCES; i++) {
                provider.createInstance(start("i" + i, "Loop"));
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Path childOutput = dir.resolve("child.txt");
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Worker.class.getName(), file.toString())
                    .redirectErrorStream(true).redirectOutput(childOutput.toFile()).start();

            long readyBy = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.readString(childOutput).contains("ready") && child.isAlive() && System.nanoTime() < readyBy) {
                Thread.sleep(10);
            }
            int mine = Worker.work(provider);

            assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child process finished").isTrue();
            String output = Files.readString(childOutput);
            assertThat(child.exitValue()).as("child output: %s", output).isZero();
            int theirs = Integer.parseInt(output.lines().filter(l -> l.startsWith("turns=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no turn count in child output: " + output)).substring(6));

            assertThat(mine + theirs).isEqualTo(INSTANCES * ROUNDS);
            System.out.printf("turns: this process %d, the other %d%n", mine, theirs);
            for (int i = 0; i < INSTANCES; i++) {
                assertThat(provider.readHistory("i" + i, 0)).extracting(HistoryEvent::eventId)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, ROUNDS + 1).boxed().toList());
                assertThat(provider.getInstance("i" + i).orElseThrow().status()).isEqualTo(RuntimeStatus.COMPLETED);
            }
            assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
        }
    }

    /** The loop both processes run: each turn appends its message and sends the next, until ROUNDS turns ran. */
    public static final class Worker {
        public static void main(String[] args) {
            try (SqliteProvider provider = SqliteProvider.open(Path.of(args[0]))) {
                provider.queueDepths(); // warm up
                System.out.println("ready");
                System.out.flush();
                System.out.println("turns=" + work(provider));
            }
        }

        static int work(SqliteProvider provider) {
            int turns = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline) {
                Optional<OrchestrationItem> fetched = provider.fetchOrchestrationItem(LOCK);
                if (fetched.isEmpty()) {
                    if (allCompleted(provider)) {
                        return turns;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                OrchestrationItem item = fetched.get();
                provider.commitOrchestrationItem(item, SpiFixtures.nextLoopRound(item, ROUNDS));
                turns++;
            }
            throw new AssertionError("gave up after a minute with " + turns + " turns");
        }

        private static boolean allCompleted(SqliteProvider provider) {
            return provider.listInstances(io.duratask.spi.InstanceQuery.all()
                    .withStatuses(java.util.Set.of(RuntimeStatus.COMPLETED))).instances().size() == INSTANCES;
        }
    }
}
