package io.duratask.samples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake stock system for {@link OrderProcessing}. Activities run at least once, so both operations are
 * idempotent: reserving an order twice returns the same reservation, releasing twice releases once.
 */
public final class Inventory {
    private final AtomicInteger next = new AtomicInteger(100);
    private final Map<String, String> reservations = new ConcurrentHashMap<>();
    private final List<String> released = new CopyOnWriteArrayList<>();

    /** Reserves the order's items and returns the reservation id. */
    public String reserve(Order order) {
        return reservations.computeIfAbsent(order.id(), id -> "R-" + next.incrementAndGet());
    }

    /** Gives the order's items back. */
    public void release(Order order) {
        if (reservations.remove(order.id()) != null) {
            released.add(order.id());
        }
    }

    /** True while {@code orderId} holds a reservation. */
    public boolean isReserved(String orderId) {
        return reservations.containsKey(orderId);
    }

    /** Orders whose reservation was released, in release order. */
    public List<String> released() {
        return List.copyOf(released);
    }
}
