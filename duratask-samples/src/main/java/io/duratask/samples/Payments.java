package io.duratask.samples;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake payment service for {@link OrderProcessing}: it declines every order above its limit, which is
 * how the demo shows compensation. Charging the same order twice returns the first payment.
 */
public final class Payments {
    private final BigDecimal limit;
    private final AtomicInteger next = new AtomicInteger(1000);
    private final Map<String, String> payments = new ConcurrentHashMap<>();

    /** A service that declines amounts greater than {@code limit}. */
    public Payments(BigDecimal limit) {
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /**
     * Charges the order and returns the payment id.
     *
     * @throws PaymentDeclinedException if the amount is over the limit
     */
    public String charge(Order order) {
        if (order.amount().compareTo(limit) > 0) {
            throw new PaymentDeclinedException("order " + order.id() + ": amount " + order.amount()
                    + " is over the limit of " + limit);
        }
        return payments.computeIfAbsent(order.id(), id -> "P-" + next.incrementAndGet());
    }

    /** True if {@code orderId} was charged. */
    public boolean isCharged(String orderId) {
        return payments.containsKey(orderId);
    }

    /** Thrown by {@link #charge} when the amount is over the limit. */
    public static final class PaymentDeclinedException extends RuntimeException {
        public PaymentDeclinedException(String message) {
            super(message);
        }
    }
}
