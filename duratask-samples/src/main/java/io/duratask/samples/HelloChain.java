package io.duratask.samples;

import io.duratask.DurableRuntime;
import io.duratask.OrchestrationContext;
import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest orchestration: three activities in sequence, each result recorded in history, so a
 * restart in the middle continues with the next city instead of greeting the first one again.
 *
 * <p>Input: the cities to greet (three by default). Output: one greeting per city, in order.
 */
public final class HelloChain {
    public static final String ORCHESTRATION = "HelloChain";
    public static final String SAY_HELLO = "SayHello";
    public static final List<String> DEFAULT_CITIES = List.of("Tokyo", "Seattle", "London");

    private HelloChain() {}

    /** Adds the {@value #SAY_HELLO} activity and the {@value #ORCHESTRATION} orchestration. */
    public static Registry.Builder register(Registry.Builder b) {
        return b.activity(SAY_HELLO, (actx, city) -> "Hello, " + city + "!")
                .orchestration(ORCHESTRATION, String[].class, HelloChain::run);
    }

    static List<String> run(OrchestrationContext ctx, String[] cities) {
        List<String> greetings = new ArrayList<>();
        for (String city : cities == null || cities.length == 0 ? DEFAULT_CITIES : List.of(cities)) {
            greetings.add(ctx.scheduleActivity(SAY_HELLO, city).await());
        }
        return greetings;
    }

    /** Greets the cities given as arguments (or the default three) on an in-memory store. */
    public static void main(String[] args) {
        Registry registry = register(Registry.builder()).build();
        try (DurableRuntime runtime = DurableRuntime.start(SampleStores.open(), registry)) {
            runtime.client().startOrchestration("hello-1", ORCHESTRATION, args);
            OrchestrationStatus status = runtime.client().waitForCompletion("hello-1", Duration.ofSeconds(30));
            System.out.println(status.runtimeStatus() + ": " + status.output());
        }
    }
}
