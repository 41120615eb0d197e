package io.duratask.runtime;

import io.duratask.spi.Provider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Provider} that forwards to a delegate and counts calls by method, with fetches that found nothing
 * counted apart ({@code "fetchWorkItem:empty"}). With {@code eager} false it does not forward the optional
 * eager-dispatch methods: they run as the SPI's defaults, like a provider that does not implement them.
 */
final class CountingProvider {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Provider proxy;
    private volatile boolean frozen;

    CountingProvider(Provider delegate, boolean eager) {
        InvocationHandler handler = (self, method, args) -> {
            boolean optional = method.getName().equals("commitOrchestrationItemAndLease")
                    || method.getName().equals("completeWorkItemAndLock")
                    || method.getName().equals("createInstanceAndLock")
                    || method.getName().equals("supportsEagerTurnCommits")
                    || method.getName().equals("completeWorkItemAndCommit")
                    || method.getName().equals("createInstanceAndLockDeferred")
                    || method.getName().equals("awaitDurable");
            Object result;
            try {
                result = !eager && optional ? InvocationHandler.invokeDefault(self, method, args)
                        : method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String key = method.getName() + (result instanceof Optional<?> o && o.isEmpty() ? ":empty" : "");
            if (!frozen) {
                counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
            return result;
        };
        this.proxy = (Provider) Proxy.newProxyInstance(Provider.class.getClassLoader(), new Class<?>[] {Provider.class},
                handler);
    }

    Provider provider() {
        return proxy;
    }

    /** Stops counting (the counts stay as they are). */
    void freeze() {
        frozen = true;
    }

    long count(String key) {
        AtomicLong n = counts.get(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
