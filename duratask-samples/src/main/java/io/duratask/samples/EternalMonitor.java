package io.duratask.samples;

import io.duratask.DurableRuntime;
import io.duratask.OrchestrationContext;
import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * An eternal orchestration: check an endpoint, publish the result as custom status, sleep on a durable
 * timer, then continue as new so that the history never grows past one iteration. Real monitors run
 * forever; this one stops after {@link State#iterations()} checks so that a demo ends: execution
 * {@code k} runs check {@code k}, and execution {@code iterations + 1} completes with a {@link Report}.
 */
public final class EternalMonitor {
    public static final String ORCHESTRATION = "EternalMonitor";
    public static final String CHECK_ENDPOINT = "CheckEndpoint";

    /**
     * The input of each execution: what to watch, how often and how many times, plus what the previous
     * executions found.
     */
    public record State(String url, Duration interval, int iterations, int checked, int healthy) {
        public State {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(interval, "interval");
        }

        /** The first execution's input. */
        public static State start(String url, Duration interval, int iterations) {
            return new State(url, interval, iterations, 0, 0);
        }

        State after(String health) {
            return new State(url, interval, iterations, checked + 1, healthy + (FakeEndpoint.UP.equals(health) ? 1 : 0));
        }
    }

    /** The custom status: checks done out of how many, the last answer and how many were healthy. */
    public record Progress(int checked, int of, String last, int healthy) {}

    /** The output once all iterations ran. */
    public record Report(String url, int checks, int healthy) {}

    private final FakeEndpoint endpoint;

    public EternalMonitor(FakeEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Adds the {@value #CHECK_ENDPOINT} activity (asking this sample's endpoint) and the orchestration. */
    public Registry.Builder register(Registry.Builder b) {
        return b.activity(CHECK_ENDPOINT, (actx, url) -> endpoint.check(url))
                .orchestration(ORCHESTRATION, State.class, EternalMonitor::run);
    }

    static Report run(OrchestrationContext ctx, State state) {
        if (state.checked() >= state.iterations()) {
            return new Report(state.url(), state.checked(), state.healthy());
        }
        String health = ctx.scheduleActivity(CHECK_ENDPOINT, state.url()).await();
        State next = state.after(health);
        ctx.setCustomStatus(new Progress(next.checked(), state.iterations(), health, next.healthy()));
        ctx.scheduleTimer(state.interval()).await();
        ctx.continueAsNew(next);
        return null;   // not reached: continueAsNew ends this execution
    }

    /** Checks a fake endpoint five times, a second apart, printing the custom status as it changes. */
    public static void main(String[] args) throws InterruptedException {
        Registry registry = new EternalMonitor(new FakeEndpoint("UP", "UP", "DOWN")).register(Registry.builder()).build();
        try (DurableRuntime runtime = DurableRuntime.start(SampleStores.open(), registry)) {
            var client = runtime.client();
            client.startOrchestration("monitor-1", ORCHESTRATION,
                    State.start("https://status.example.com/health", Duration.ofSeconds(1), 5));
            String shown = null;
            OrchestrationStatus status;
            do {
                Thread.sleep(100);
                status = client.getStatus("monitor-1").orElseThrow();
                if (status.customStatus() != null && !status.customStatus().equals(shown)) {
                    shown = status.customStatus();
                    System.out.println("execution " + status.executionId() + ": " + shown);
                }
            } while (!status.runtimeStatus().isTerminal());
            System.out.println(status.runtimeStatus() + " after " + status.executionId() + " executions: " + status.output());
        }
    }
}
