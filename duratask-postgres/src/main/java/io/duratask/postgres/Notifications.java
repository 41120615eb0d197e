package io.duratask.postgres;

import io.duratask.spi.WorkListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake-ups between workers through {@code LISTEN/NOTIFY} on one channel per schema.
 *
 * <p><b>Sending.</b> After a commit that made work visible, the provider {@link #announce announces} how
 * many orchestrator messages and work items it enqueued. A sender thread sends one {@code pg_notify} with the
 * counts added up, then waits {@code notifyInterval} before the next, so that under load a provider sends
 * at most one notification per interval (a commit-time {@code NOTIFY} inside every transaction would
 * serialize all commits on PostgreSQL's notification queue lock), while on an idle system the first one goes
 * out at once. The payload is {@code "<node> <messages> <work items>"}; the node id lets a provider ignore its
 * own notifications (its runtime woke its own workers already).
 *
 * <p><b>Receiving.</b> Once a {@link WorkListener} is added, a listener thread holds a dedicated connection
 * that has run {@code LISTEN} and waits for notifications, calling the listeners for those of other nodes.
 * If the connection breaks (a database restart), it reconnects with backoff and then calls the listeners
 * once, since notifications may have been missed meanwhile. Polling by the runtime stays the fallback.
 */
final class Notifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    private final Pools pools;
    private final String channel;
    private final String nodeId;
    private final Duration interval;
    private final boolean enabled;
    private final AtomicInteger pendingMessages = new AtomicInteger();
    private final AtomicInteger pendingWorkItems = new AtomicInteger();
    private final CopyOnWriteArrayList<WorkListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread sender;
    private Thread receiver; // guarded by this
    private volatile boolean closed;

    Notifications(Pools pools, String schema, String nodeId, Duration interval, boolean enabled) {
        this.pools = pools;
        this.channel = channelOf(schema);
        this.nodeId = nodeId;
        this.interval = interval;
        this.enabled = enabled;
        this.sender = enabled ? Thread.ofVirtual().name("duratask-pg-notify-" + nodeId).start(this::sendLoop) : null;
    }

    /** The channel of a schema: {@code duratask_<schema>}, cut to PostgreSQL's 63-byte identifier limit. */
    static String channelOf(String schema) {
        String name = "duratask_" + schema;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** After a commit: tells other workers that work arrived (coalesced; returns at once). */
    void announce(int messages, int workItems) {
        if (!enabled || (messages <= 0 && workItems <= 0)) {
            return;
        }
        pendingMessages.addAndGet(Math.max(0, messages));
        pendingWorkItems.addAndGet(Math.max(0, workItems));
        LockSupport.unpark(sender);
    }

    synchronized void addListener(WorkListener listener) {
        listeners.add(listener);
        if (enabled && receiver == null && !closed) {
            receiver = Thread.ofVirtual().name("duratask-pg-listen-" + nodeId).start(this::receiveLoop);
        }
    }

    void removeListener(WorkListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        closed = true;
        if (sender != null) {
            LockSupport.unpark(sender);
            join(sender);
        }
        Thread r;
        synchronized (this) {
            r = receiver;
        }
        if (r != null) {
            join(r);
        }
    }

    // ---- sending ------------------------------------------------------------------------------------------

    private void sendLoop() {
        while (!closed) {
            int messages = pendingMessages.getAndSet(0);
            int workItems = pendingWorkItems.getAndSet(0);
            if (messages == 0 && workItems == 0) {
                LockSupport.park(this);
                continue;
            }
            send(messages, workItems);
            // coalesce what comes meanwhile; announce() unparks us, so sleep to the deadline, not once
            long until = System.nanoTime() + interval.toNanos();
            for (long left; !closed && (left = until - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(this, left);
            }
        }
    }

    private void send(int messages, int workItems) {
        try (Connection c = pools.queueConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            Jdbc.bind(ps, channel, nodeId + " " + messages + " " + workItems);
            ps.executeQuery().close();
        } catch (SQLException e) {
            // a lost wake-up only delays the other workers until their next idle poll
            log.debug("cannot send a wake-up notification on {}: {}", channel, e.getMessage());
        }
    }

    // ---- receiving ----------------------------------------------------------------------------------------

    private void receiveLoop() {
        long backoffMillis = 100;
        boolean first = true;
        while (!closed) {
            try (Connection c = pools.openDirect()) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN \"" + channel + "\"");
                }
                if (!first) {
                    log.info("listening for wake-ups on {} again", pools.target());
                    dispatch(1, 1); // notifications may have been missed while disconnected
                }
                first = false;
                backoffMillis = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(250);
                    if (received != null) {
                        for (PGNotification n : received) {
                            handle(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                log.warn("wake-up listener on {} lost its connection ({}); reconnecting in {} ms", pools.target(),
                        e.getMessage(), backoffMillis);
                first = false;
                sleep(backoffMillis);
                backoffMillis = Math.min(5000, backoffMillis * 2);
            }
        }
    }

    private void handle(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 3 || parts[0].equals(nodeId)) {
            return;
        }
        try {
            dispatch(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            log.debug("ignoring a notification on {} with payload '{}'", channel, payload);
        }
    }

    private void dispatch(int messages, int workItems) {
        for (WorkListener l : listeners) {
            try {
                if (messages > 0) {
                    l.orchestrationWork(messages);
                }
                if (workItems > 0) {
                    l.activityWork(workItems);
                }
            } catch (RuntimeException e) {
                log.warn("a work listener failed: {}", e.toString());
            }
        }
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
