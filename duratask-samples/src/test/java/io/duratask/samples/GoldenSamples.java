package io.duratask.samples;

import io.duratask.Registry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the golden histories are recorded from and replayed against: every sample in one registry. */
final class GoldenSamples {
    /** Where the recorder writes, relative to {@code duratask-samples/}; the tests read the copy on the class path. */
    static final Path SOURCE_DIR = Path.of("src", "test", "resources", "golden");
    /** Class-path location of the golden files. */
    static final String RESOURCE_DIR = "/golden";

    static final String HELLO = "hello-chain";
    static final String ORDER_APPROVED = "order-approved";
    static final String ORDER_EXPIRED = "order-expired";
    static final String ORDER_DECLINED = "order-declined";
    static final String WORD_COUNT = "word-count";
    static final String MONITOR = "eternal-monitor";

    /** Iterations of the monitor: it writes this many executions that continue as new, then one that completes. */
    static final int MONITOR_ITERATIONS = 3;
    static final String MONITOR_URL = "https://status.example.com/health";
    static final Duration MONITOR_INTERVAL = Duration.ofHours(1);
    static final Duration APPROVAL_TIMEOUT = Duration.ofHours(24);
    static final BigDecimal PAYMENT_LIMIT = new BigDecimal("1000");
    static final int DOCUMENTS = 4;

    /** The golden files, by name. */
    static final List<String> FILES = List.of(
            HELLO + ".json",
            ORDER_APPROVED + ".json",
            ORDER_EXPIRED + ".json",
            ORDER_DECLINED + ".json",
            WORD_COUNT + ".json",
            MONITOR + ".execution-1.json",
            MONITOR + ".execution-2.json",
            MONITOR + ".execution-3.json",
            MONITOR + ".execution-4.json");

    private GoldenSamples() {}

    /** Every sample with its fakes, as the current code registers it. */
    static Registry registry() {
        Registry.Builder b = Registry.builder();
        HelloChain.register(b);
        new OrderProcessing(new Inventory(), new Payments(PAYMENT_LIMIT)).register(b);
        new FanOutFanIn(DocumentStore.generated(DOCUMENTS)).register(b);
        new EternalMonitor(new FakeEndpoint(FakeEndpoint.UP, FakeEndpoint.DOWN)).register(b);
        return b.build();
    }

    static OrderProcessing.Request order(String id, String amount) {
        return new OrderProcessing.Request(new Order(id, "keyboard", 1, new BigDecimal(amount)), APPROVAL_TIMEOUT);
    }
}
