package io.duratask.samples;

import io.duratask.ActivityFailedException;
import io.duratask.DurableFuture;
import io.duratask.DurableRuntime;
import io.duratask.OrchestrationContext;
import io.duratask.Registry;
import io.duratask.client.DurableClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Reserve stock, wait for a human approval or a deadline, then charge; undo the reservation when the
 * order expires, is rejected or cannot be paid (a saga with one compensation step).
 *
 * <pre>
 * Reserve ──▶ select(Approved event, timer) ──timer──▶ Release ──▶ "expired"
 *                     │ approved
 *                     ▼
 *                   Charge ──fails──▶ Release ──▶ rethrow (instance FAILED)
 *                     │
 *                     ▼
 *              "charged P-1001"
 * </pre>
 *
 * The wait and the deadline are durable: a process that restarts after a day still knows whether the
 * approval came first.
 */
public final class OrderProcessing {
    public static final String ORCHESTRATION = "ProcessOrder";
    public static final String RESERVE = "Reserve";
    public static final String CHARGE = "Charge";
    public static final String RELEASE = "Release";
    /** The external event that approves an order; its data is a boolean (false rejects the order). */
    public static final String APPROVED = "Approved";
    public static final String EXPIRED = "expired";
    public static final String REJECTED = "rejected";

    /** The orchestration's input: the order and how long to wait for its approval. */
    public record Request(Order order, Duration approvalTimeout) {
        public Request {
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(approvalTimeout, "approvalTimeout");
        }
    }

    private final Inventory inventory;
    private final Payments payments;

    public OrderProcessing(Inventory inventory, Payments payments) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.payments = Objects.requireNonNull(payments, "payments");
    }

    /** Adds the three activities (backed by this sample's inventory and payments) and the orchestration. */
    public Registry.Builder register(Registry.Builder b) {
        return b.activity(RESERVE, Order.class, (actx, order) -> inventory.reserve(order))
                .activity(CHARGE, Order.class, (actx, order) -> payments.charge(order))
                .activity(RELEASE, Order.class, (actx, order) -> {
                    inventory.release(order);
                    return null;
                })
                .orchestration(ORCHESTRATION, Request.class, OrderProcessing::run);
    }

    static String run(OrchestrationContext ctx, Request request) {
        Order order = request.order();
        String reservation = ctx.scheduleActivity(RESERVE, order).await();
        ctx.logger().info("order {}: reserved as {}, waiting for approval", order.id(), reservation);

        DurableFuture<Boolean> approval = ctx.waitForEvent(APPROVED, Boolean.class);
        DurableFuture<Void> deadline = ctx.scheduleTimer(request.approvalTimeout());
        if (ctx.select(approval, deadline).await().index() == 1) {
            release(ctx, order);
            return EXPIRED;
        }
        if (!Boolean.TRUE.equals(approval.await())) {
            release(ctx, order);
            return REJECTED;
        }
        try {
            return "charged " + ctx.scheduleActivity(CHARGE, order).await();
        } catch (ActivityFailedException e) {
            release(ctx, order);   // compensation, then fail the instance with the payment's error
            throw e;
        }
    }

    private static void release(OrchestrationContext ctx, Order order) {
        ctx.scheduleActivity(RELEASE, order, Void.class).await();
    }

    /** Runs three orders: one approved, one left to expire, one whose payment is declined. */
    public static void main(String[] args) {
        Inventory inventory = new Inventory();
        OrderProcessing sample = new OrderProcessing(inventory, new Payments(new BigDecimal("1000")));
        Registry registry = sample.register(Registry.builder()).build();
        Duration timeout = Duration.ofSeconds(2);
        try (DurableRuntime runtime = DurableRuntime.start(SampleStores.open(), registry)) {
            DurableClient client = runtime.client();
            client.startOrchestration("order-1", ORCHESTRATION,
                    new Request(new Order("order-1", "keyboard", 1, new BigDecimal("120.00")), timeout));
            client.startOrchestration("order-2", ORCHESTRATION,
                    new Request(new Order("order-2", "monitor", 2, new BigDecimal("640.00")), timeout));
            client.startOrchestration("order-3", ORCHESTRATION,
                    new Request(new Order("order-3", "server rack", 1, new BigDecimal("5400.00")), timeout));
            client.raiseEvent("order-1", APPROVED, true);
            client.raiseEvent("order-3", APPROVED, true);
            for (String id : new String[] {"order-1", "order-2", "order-3"}) {
                var status = client.waitForCompletion(id, Duration.ofSeconds(30));
                System.out.println(id + ": " + status.runtimeStatus() + " "
                        + (status.isFailed() ? status.failure() : status.output()));
            }
            System.out.println("released: " + inventory.released());
        }
    }
}
