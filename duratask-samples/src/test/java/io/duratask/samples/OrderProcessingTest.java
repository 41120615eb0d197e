package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.duratask.ActivityFailedException;
import io.duratask.DurableRuntime;
import io.duratask.RuntimeStatus;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.samples.Payments.PaymentDeclinedException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrderProcessingTest {
    private static final Duration LONG_WAIT = Duration.ofMinutes(5);
    private static final Duration SHORT_WAIT = Duration.ofMillis(200);
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Inventory inventory = new Inventory();
    private final Payments payments = new Payments(new BigDecimal("1000"));
    private final OrderProcessing sample = new OrderProcessing(inventory, payments);

    private static OrderProcessing.Request request(String id, String amount, Duration approvalTimeout) {
        return new OrderProcessing.Request(new Order(id, "keyboard", 1, new BigDecimal(amount)), approvalTimeout);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void approvedOrderIsCharged(Store store) {
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("o1", OrderProcessing.ORCHESTRATION, request("o1", "120.00", LONG_WAIT));
            await().atMost(TEST_TIMEOUT).until(() -> client.getHistory("o1").stream().anyMatch(EventSubscribed.class::isInstance));
            assertThat(inventory.isReserved("o1")).as("reserved while waiting for approval").isTrue();

            client.raiseEvent("o1", OrderProcessing.APPROVED, true);
            OrchestrationStatus status = client.waitForCompletion("o1", TEST_TIMEOUT);

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.output(String.class)).startsWith("charged P-");
            assertThat(payments.isCharged("o1")).isTrue();
            assertThat(inventory.isReserved("o1")).as("a charged order keeps its reservation").isTrue();
            assertThat(Histories.activities(client.getHistory("o1")))
                    .containsExactly(OrderProcessing.RESERVE, OrderProcessing.CHARGE);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void approvalRaisedBeforeTheWaitIsNotLost(Store store) {
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("o1", OrderProcessing.ORCHESTRATION, request("o1", "120.00", LONG_WAIT));
            client.raiseEvent("o1", OrderProcessing.APPROVED, true);

            assertThat(client.waitForCompletion("o1", TEST_TIMEOUT).output(String.class)).startsWith("charged P-");
        }
    }

    @Test
    void aWaitingOrderSurvivesARestartOfTheRuntime() {
        try (DurableRuntime first = Store.SQLITE.start(dir, sample::register)) {
            first.client().startOrchestration("o1", OrderProcessing.ORCHESTRATION, request("o1", "120.00", LONG_WAIT));
            await().atMost(TEST_TIMEOUT).until(() ->
                    first.client().getHistory("o1").stream().anyMatch(EventSubscribed.class::isInstance));
        }
        try (DurableRuntime second = Store.SQLITE.start(dir, sample::register)) {
            second.client().raiseEvent("o1", OrderProcessing.APPROVED, true);
            OrchestrationStatus status = second.client().waitForCompletion("o1", TEST_TIMEOUT);

            assertThat(status.output(String.class)).startsWith("charged P-");
            assertThat(Histories.activities(second.client().getHistory("o1")))
                    .as("Reserve is not run again after the restart")
                    .containsExactly(OrderProcessing.RESERVE, OrderProcessing.CHARGE);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void unapprovedOrderExpiresAndIsReleased(Store store) {
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("o2", OrderProcessing.ORCHESTRATION, request("o2", "120.00", SHORT_WAIT));
            OrchestrationStatus status = client.waitForCompletion("o2", TEST_TIMEOUT);

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.output(String.class)).isEqualTo(OrderProcessing.EXPIRED);
            assertThat(inventory.released()).containsExactly("o2");
            assertThat(payments.isCharged("o2")).isFalse();
            assertThat(Histories.kinds(client.getHistory("o2"))).contains("TimerFired")
                    .doesNotContain("EventRaised", "ActivityScheduled:" + OrderProcessing.CHARGE);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void rejectedOrderIsReleased(Store store) {
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("o3", OrderProcessing.ORCHESTRATION, request("o3", "120.00", LONG_WAIT));
            client.raiseEvent("o3", OrderProcessing.APPROVED, false);

            assertThat(client.waitForCompletion("o3", TEST_TIMEOUT).output(String.class)).isEqualTo(OrderProcessing.REJECTED);
            assertThat(inventory.released()).containsExactly("o3");
            assertThat(payments.isCharged("o3")).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void declinedPaymentIsCompensatedAndFailsTheInstance(Store store) {
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("o4", OrderProcessing.ORCHESTRATION, request("o4", "5400.00", LONG_WAIT));
            client.raiseEvent("o4", OrderProcessing.APPROVED, true);
            OrchestrationStatus status = client.waitForCompletion("o4", TEST_TIMEOUT);

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.FAILED);
            assertThat(status.failure().type()).isEqualTo(ActivityFailedException.class.getName());
            assertThat(status.failure().isCausedBy(PaymentDeclinedException.class))
                    .as("failure %s is caused by the declined payment", status.failure()).isTrue();
            assertThat(inventory.released()).containsExactly("o4");
            assertThat(Histories.kinds(client.getHistory("o4"))).containsSubsequence(
                    "ActivityScheduled:" + OrderProcessing.CHARGE, "ActivityFailed",
                    "ActivityScheduled:" + OrderProcessing.RELEASE, "ActivityCompleted", "OrchestrationFailed");
        }
    }
}
