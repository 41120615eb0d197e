package io.duratask.cli;

import io.duratask.Registry;
import io.duratask.client.DurableClient;
import io.duratask.samples.DocumentStore;
import io.duratask.samples.EternalMonitor;
import io.duratask.samples.FakeEndpoint;
import io.duratask.samples.FanOutFanIn;
import io.duratask.samples.HelloChain;
import io.duratask.samples.Inventory;
import io.duratask.samples.Order;
import io.duratask.samples.OrderProcessing;
import io.duratask.samples.Payments;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * What the demo runs: every sample, with fakes sized so that the whole demo takes about two seconds,
 * and one instance of each interesting path.
 */
final class DemoApp {
    static final BigDecimal PAYMENT_LIMIT = new BigDecimal("1000.00");
    /** The approved orders' deadline: far beyond the moment the demo approves them. */
    static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(1);
    /** The deadline of the order nobody approves. */
    static final Duration EXPIRY = Duration.ofMillis(1500);
    /** The earliest the demo approves an order (counted from the start), and only once the order waits. */
    static final Duration APPROVE_AFTER = Duration.ofMillis(400);
    static final int MONITOR_CHECKS = 3;
    static final Duration MONITOR_INTERVAL = Duration.ofMillis(400);
    static final int DOCUMENTS = 6;

    /** Id prefix of the order whose payment is declined and compensated. */
    static final String DECLINED = "order-declined-";

    /** One instance of the demo: what it runs, on what input, and what it shows. */
    record Instance(String id, String orchestration, Object input, String story, boolean needsApproval) {}

    final Inventory inventory = new Inventory();
    private final Payments payments = new Payments(PAYMENT_LIMIT);

    Registry registry() {
        Registry.Builder b = Registry.builder();
        HelloChain.register(b);
        new OrderProcessing(inventory, payments).register(b);
        new FanOutFanIn(DocumentStore.generated(DOCUMENTS)).register(b);
        new EternalMonitor(new FakeEndpoint(FakeEndpoint.UP, FakeEndpoint.DOWN)).register(b);
        return b.build();
    }

    /** Starts one instance of each scenario, with ids ending in {@code suffix}. */
    List<Instance> start(DurableClient client, String suffix) {
        String approved = "order-approved-" + suffix;
        String expired = "order-expired-" + suffix;
        String declined = DECLINED + suffix;
        List<Instance> instances = List.of(
                new Instance("hello-" + suffix, HelloChain.ORCHESTRATION, HelloChain.DEFAULT_CITIES.toArray(String[]::new),
                        "three greetings in sequence", false),
                new Instance(approved, OrderProcessing.ORCHESTRATION, order(approved, "keyboard", 1, "120.00", APPROVAL_TIMEOUT),
                        "120.00, approved -> charged", true),
                new Instance(expired, OrderProcessing.ORCHESTRATION, order(expired, "mouse", 2, "80.00", EXPIRY),
                        "80.00, never approved -> expires after " + EventFormatter.seconds(EXPIRY) + ", reservation released", false),
                new Instance(declined, OrderProcessing.ORCHESTRATION, order(declined, "server rack", 1, "5400.00", APPROVAL_TIMEOUT),
                        "5400.00 (limit " + PAYMENT_LIMIT + "), approved -> payment declined, reservation released, FAILED", true),
                new Instance("wordcount-" + suffix, FanOutFanIn.ORCHESTRATION, "doc-",
                        DOCUMENTS + " documents counted in parallel, then added up", false),
                new Instance("monitor-" + suffix, EternalMonitor.ORCHESTRATION,
                        EternalMonitor.State.start("https://status.example.com/health", MONITOR_INTERVAL, MONITOR_CHECKS),
                        MONITOR_CHECKS + " checks " + EventFormatter.seconds(MONITOR_INTERVAL) + " apart, continue-as-new after each",
                        false));
        instances.forEach(i -> client.startOrchestration(i.id(), i.orchestration(), i.input()));
        return instances;
    }

    private static OrderProcessing.Request order(String id, String item, int quantity, String amount, Duration timeout) {
        return new OrderProcessing.Request(new Order(id, item, quantity, new BigDecimal(amount)), timeout);
    }
}
